"""The event bus (see base.py for the contract every backend keeps)."""

from shared.bus.base import DEAD_LETTER_TOPIC, Bus, Consumer, Producer, PublishError, Record, bus_from_url

__all__ = ["DEAD_LETTER_TOPIC", "Bus", "Consumer", "Producer", "PublishError", "Record", "bus_from_url"]
