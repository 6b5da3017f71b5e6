"""Keras's progress bar: `125/125 ━━━━━━━━━━━━━━━━━━━━ 3s 21ms/step - accuracy: 0.9512 - loss: 0.1630`.

verbose=1 redraws one line in place (carriage return in terminals and Jupyter, a new
line per update when the output is not interactive); verbose=2 prints one line when the
bar finishes.
"""
import math
import os
import sys
import time

from .io_utils import is_interactive_logging_enabled, print_msg


def _interactive():
    stream = sys.stdout
    return ((hasattr(stream, "isatty") and stream.isatty()) or "ipykernel" in sys.modules
            or "posix" in sys.modules or "PYCHARM_HOSTED" in os.environ)


def _format_value(value):
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def _format_step_time(seconds, unit):
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit}"
    return f" {seconds * 1e6:.0f}us/{unit}"


def _format_eta(seconds):
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


class Progbar:
    """A progress bar for `target` steps (None if unknown). Values passed to `update` are
    shown as given (the trainer already passes running averages)."""

    def __init__(self, target, width=20, verbose=1, interval=0.05, unit_name="step"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._interactive = _interactive()
        self._values = {}
        self._order = []
        self._start = time.time()
        self._last_update = 0.0
        self._after_first_step = None
        self._previous_width = 0
        self._seen = 0

    def _step_time(self, current, now):
        if not current:
            return 0.0
        # The first step is usually slow (allocation, warm-up): leave it out once possible.
        if self._after_first_step is not None and current > 1:
            step = (now - self._after_first_step) / (current - 1)
        else:
            step = (now - self._start) / current
        if current == 1:
            self._after_first_step = now
        return step

    def update(self, current, values=None, finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            if name not in self._order:
                self._order.append(name)
            self._values[name] = value
        self._seen = current
        now = time.time()
        step_time = self._step_time(current, now)
        # With interactive logging off, a bar logs one summary line when it finishes.
        verbose = self.verbose if is_interactive_logging_enabled() else min(self.verbose, 2) * 2

        if verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            prefix = ("\b" * self._previous_width + "\r") if self._interactive else "\n"
            hidden = 0  # width of ANSI escapes, which take no room on screen
            if self.target is not None and self.target > 0:
                digits = int(math.log10(self.target)) + 1
                bar = f"\x1b[1m{current:>{digits}d}/{self.target}\x1b[0m "
                hidden += 8
                filled = int(self.width * current / self.target)
                if filled > 0:
                    bar += f"\33[32m{'━' * filled}\x1b[0m"
                    hidden += 9
                bar += f"\33[37m{'━' * (self.width - filled)}\x1b[0m"
                hidden += 9
            else:
                bar = "%7d/Unknown" % current
            if self.target is not None and self.target > 0 and not finalize:
                info = f" \x1b[1m{_format_eta(step_time * (self.target - current))}\x1b[0m"
            else:
                info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
            hidden += 8
            info += _format_step_time(step_time, self.unit_name)
            for name in self._order:
                info += f" - {name}: {_format_value(self._values[name])}"
            width = len(bar) + len(info) - hidden
            message = prefix + bar + info
            if self._previous_width > width:
                message += " " * (self._previous_width - width)
            if finalize:
                message += "\n"
            sys.stdout.write(message)
            sys.stdout.flush()
            self._previous_width = width
        elif verbose >= 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            info = f"{current:>{digits}d}/{self.target} - {now - self._start:.0f}s -"
            info += _format_step_time(step_time, self.unit_name)
            for name in self._order:
                info += f" - {name}: {_format_value(self._values[name])}"
            print_msg(info)
        self._last_update = now

    def add(self, n, values=None):
        self.update(self._seen + n, values)
