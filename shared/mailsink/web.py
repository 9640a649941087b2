"""The mail sink's viewer: an inbox page, one message at a time, downloads, and a JSON API.

Routes only translate: they call the MailStore and shape its answer. An unknown or malformed id is
a 404: problem+json for API clients (code `unknown_message`), a short page for browsers.
"""

from __future__ import annotations

from io import BytesIO

from flask import Flask, Response, render_template, send_file

from shared.mailsink.store import MailStore, UnknownMessage
from shared.web import problem, register_problem_handlers


def create_app(store: MailStore) -> Flask:
    """The viewer over `store`; it keeps no state of its own, so any number can share one folder."""
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    register_problem_handlers(app)

    @app.errorhandler(UnknownMessage)
    def _unknown(err: UnknownMessage):
        return problem(404, str(err), err.code)

    @app.after_request
    def _no_sniffing(response: Response) -> Response:
        # Parts are whatever a sender put in a mail: never let a browser guess them into HTML.
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/")
    def inbox():
        return render_template("inbox.html", messages=store.list())

    @app.get("/messages/<message_id>")
    def message(message_id: str):
        return render_template("message.html", view=store.view(message_id))

    @app.get("/messages/<message_id>.eml")
    def raw(message_id: str):
        return send_file(
            BytesIO(store.raw(message_id)),
            mimetype="message/rfc822",
            as_attachment=True,
            download_name=f"{message_id}.eml",
        )

    @app.get("/messages/<message_id>/parts/<int:index>")
    def part(message_id: str, index: int):
        found = store.part(message_id, index)
        response = send_file(BytesIO(found.data), as_attachment=True, download_name=found.filename)
        response.content_type = found.content_type  # as sent; `mimetype=` would add a second charset
        return response

    @app.get("/api/messages")
    def api_list():
        return [summary.as_json() for summary in store.list()]

    @app.get("/api/messages/<message_id>")
    def api_message(message_id: str):
        return store.view(message_id).as_json()

    @app.post("/api/messages/delete")
    def api_delete():
        return {"deleted": store.clear()}

    return app
