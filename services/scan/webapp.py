"""The scan pages as an installable offline web app: its manifest, its icons, its service worker.

The service worker (static/sw.js) is served from the site's root, so that its scope covers the
scanner (/scan) and the attendee's own pages (/me/...); it caches them for use with no connection.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

from flask import Response, current_app, url_for
from PIL import Image, ImageDraw, ImageFont

from services.scan.pages import bp
from shared.web import NotFound, node_modules

ICON_SIZES = (192, 512)
BLUE = "#1f5f8b"


@bp.get("/manifest.webmanifest")
def manifest():
    return (
        current_app.json.response(
            {
                "name": "Rapport: meet people",
                "short_name": "Rapport",
                "start_url": "/scan",
                "scope": "/",
                "display": "standalone",
                "background_color": "#f5f4f0",
                "theme_color": BLUE,
                "description": "Scan badges, keep your notes, show your QR: works offline.",
                "icons": [
                    {
                        "src": url_for(".icon", size=size),
                        "sizes": f"{size}x{size}",
                        "type": "image/png",
                        "purpose": "any maskable",
                    }
                    for size in ICON_SIZES
                ],
            }
        ),
        200,
        {"Content-Type": "application/manifest+json"},
    )


@bp.get("/app-icon-<int:size>.png")
def icon(size: int):
    if size not in ICON_SIZES:
        raise NotFound(f"icons come in {', '.join(map(str, ICON_SIZES))} pixels", code="not_found")
    return Response(icon_png(size), mimetype="image/png", headers={"Cache-Control": "public, max-age=86400"})


@lru_cache(maxsize=len(ICON_SIZES))
def icon_png(size: int) -> bytes:
    """A white "R" on the brand's blue, inside the safe zone of a maskable icon (the middle 80%)."""
    image = Image.new("RGB", (size, size), BLUE)
    font_file = (
        node_modules() / "@expo-google-fonts/ibm-plex-sans-arabic/700Bold/IBMPlexSansArabic_700Bold.ttf"
    )
    font = (
        ImageFont.truetype(str(font_file), int(size * 0.5))
        if font_file.is_file()
        else ImageFont.load_default()
    )
    ImageDraw.Draw(image).text((size / 2, size / 2), "R", fill="white", font=font, anchor="mm")
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


@bp.get("/sw.js")
def service_worker():
    response = bp.send_static_file("sw.js")
    # Checked for a new version on every visit: a fixed page reaches phones at once.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
