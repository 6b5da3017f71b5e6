"""Where Keras's messages go: standard output while interactive logging is on (the
default), Python's logging module (logger "keras", level INFO) when it is off, as in
servers and batch jobs that capture logs."""
import logging
import sys

_state = {"interactive": True}


def enable_interactive_logging():
    """Progress bars and messages print to standard output (the default)."""
    _state["interactive"] = True


def disable_interactive_logging():
    """Messages go to the "keras" logger at INFO level instead; progress bars print no
    per-step updates."""
    _state["interactive"] = False


def is_interactive_logging_enabled():
    return _state["interactive"]


def print_msg(message, line_break=True):
    """Prints a message the way the current logging mode asks."""
    if _state["interactive"]:
        sys.stdout.write(message + "\n" if line_break else message)
        sys.stdout.flush()
    else:
        logging.getLogger("keras").info(message)
