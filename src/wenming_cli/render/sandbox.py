"""The Jinja sandbox every .docx template renders in, with limits (issue 14 points 5 and 6).

A user's own template (``--template``) is untrusted text. The sandbox already refuses unsafe
attributes; this module adds what it leaves open:

- ``**`` and ``*`` are intercepted (``intercepted_binops``): ``7**999999999`` and
  ``'a'*10**10`` are refused before Python computes them — and, being intercepted, they are no
  longer constant-folded at compile time, where ``{{ 7**999999999 }}`` used to hang;
  ``%`` formatting and the padding methods/filters refuse widths over `MAX_WIDTH`;
- ``range`` is capped at `MAX_RANGE` items, ``lipsum`` is gone, ``{% include %}``,
  ``{% import %}`` and ``{% extends %}`` find no template (a loader that has none);
- a value read back from a variable or attribute may not exceed `MAX_VALUE_LENGTH` (a string
  doubled in a ``namespace``), the rendered text may not exceed `MAX_OUTPUT_CHARS`, and one
  render may not run longer than `RENDER_SECONDS` — checked at every call, attribute, operator
  and output chunk, and on POSIX's main thread also by a SIGALRM timer, which stops even empty
  nested loops.

Every refusal is a `TemplateLimit` (a jinja2 TemplateError) with a Chinese message; the caller
(`report.render_docx`) names the template paragraph.
"""

from __future__ import annotations

import math
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import BaseLoader, Template, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

RENDER_SECONDS = 90.0
"""Longest one template render may take. A county's 40,000-row roster renders in a few seconds
(long table loops are bulk-filled, see `bulk`); a template past this is looping away."""
MAX_OUTPUT_CHARS = 64_000_000
"""Rendered XML of one document part, in characters (~64 MB; memory stays far below 1 GB)."""
MAX_VALUE_LENGTH = 2_000_000
"""Longest string or list a template may build (``*``, or read back from a variable)."""
MAX_RANGE = 10_000
"""Items of ``range()``: more than any table a template prints by counting."""
MAX_WIDTH = 10_000
"""Widths in ``'%9999999s' % x``, ``center()``, ``ljust()``, ``zfill()`` … and the filters."""
MAX_INT_BITS = 4_096
"""Largest integer ``**``/``*`` may produce (~1,233 digits)."""


class TemplateLimit(TemplateError):
    """A template tried something outside the sandbox's limits; the message is Chinese.

    Attributes:
        lineno: template line where the output that broke a limit came from, when known.
    """

    lineno: int | None = None


class _NoTemplates(BaseLoader):
    """``{% include %}``, ``{% import %}``, ``{% extends %}``: a .docx template is one file."""

    def get_source(self, environment: Any, template: str) -> Any:
        raise TemplateNotFound(template)


def _too_long(size: int) -> TemplateLimit:
    return TemplateLimit(f"生成的内容太长（{size:,} 个字符，最多 {MAX_VALUE_LENGTH:,} 个）")


def _int_bits(value: Any) -> float:
    return float(abs(value).bit_length()) if isinstance(value, int) else 0.0


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(exponent, int) and isinstance(base, (int, float)) and abs(base) > 1 \
            and exponent > 0:
        bits = exponent * math.log2(abs(base))
        if bits > MAX_INT_BITS:
            raise TemplateLimit(f"数字太大：{base:,} 的 {exponent:,} 次方超出了模板允许的范围")


def _check_product(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple, bytes)) and isinstance(count, int):
            if len(seq) * count > MAX_VALUE_LENGTH:
                raise _too_long(len(seq) * count)
    if isinstance(left, int) and isinstance(right, int) \
            and _int_bits(left) + _int_bits(right) > MAX_INT_BITS:
        raise TemplateLimit("数字太大：乘积超出了模板允许的范围")


_NESTED_FIELD = re.compile(r"\{[^{}]*:[^{}]*\{")
_WIDTH = re.compile(r"%[-#0 +]*(\d+)|%[-#0 +]*\d*\.(\d+)|\{[^{}]*?[:!][^{}]*?(\d{5,})")


def _check_format(text: Any) -> None:
    """Refuse ``'%99999999s'``-style widths and ``'{:99999999}'`` in a format string."""
    if isinstance(text, str):
        if _NESTED_FIELD.search(text):  # '{0:{1}}'.format('a', 10**9): a width from data
            raise TemplateLimit("格式说明中不能再嵌套 { }")
        for match in _WIDTH.finditer(text):
            width = next(int(g) for g in match.groups() if g)
            if width > MAX_WIDTH:
                raise TemplateLimit(f"格式宽度 {width:,} 太大（最多 {MAX_WIDTH:,}）")


_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _check_widths(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_WIDTH:
            raise TemplateLimit(f"宽度 {value:,} 太大（最多 {MAX_WIDTH:,}）")


def _capped_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimit(f"range() 的个数 {len(numbers):,} 太多（最多 {MAX_RANGE:,}）")
    return numbers


def _wrap_filter(function: Any, check: Any) -> Any:
    """``function`` (a Jinja filter) calling ``check(args, kwargs)`` first."""
    def limited(*args: Any, **kwargs: Any) -> Any:
        check(args, kwargs)
        return function(*args, **kwargs)

    if hasattr(function, "jinja_pass_arg"):  # keep the filter's environment/context marker
        limited.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    return limited


def _width_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # args[0] is the filtered value (environment-passing filters get it second)
    _check_widths(tuple(a for a in args if not isinstance(a, SandboxedEnvironment))[1:], kwargs)


def _format_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    del kwargs
    for value in args[:2]:
        _check_format(value)


class _Clock:
    """The deadline of the render in progress (one per environment: a process renders one
    template at a time)."""

    deadline = math.inf

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"模板运行超过 {RENDER_SECONDS:g} 秒仍未结束（可能是循环太多或嵌套太深）")


class LimitedTemplate(Template):
    """A template whose render is bounded in time and output size."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Like Jinja's render; raises TemplateLimit past `RENDER_SECONDS` or
        `MAX_OUTPUT_CHARS` (traceback rewritten to template lines, as Jinja does)."""
        env: Any = self.environment
        ctx = self.new_context(dict(*args, **kwargs))
        parts: list[str] = []
        chunks = self.root_render_func(ctx)
        try:
            with env.limited():
                size = 0
                for chunk in chunks:
                    size += len(chunk)
                    try:
                        if size > MAX_OUTPUT_CHARS:
                            raise TemplateLimit(f"模板生成的内容超过 {MAX_OUTPUT_CHARS:,} 个字符")
                        env.clock.tick()
                    except TemplateLimit as exc:
                        exc.lineno = self._suspended_line(chunks)
                        raise
                    parts.append(chunk)
        except Exception:
            parts.clear()
            env.handle_exception()
        return "".join(parts)


    def _suspended_line(self, chunks: Any) -> int | None:
        """The template line where the render generator (or the block/macro generator it
        delegates to) is paused: where the output that broke a limit came from."""
        frame = None
        while chunks is not None and getattr(chunks, "gi_frame", None) is not None:
            frame = chunks.gi_frame
            chunks = getattr(chunks, "gi_yieldfrom", None)
        if frame is None:
            return None
        return self.get_corresponding_lineno(frame.f_lineno)


class LimitedEnvironment(SandboxedEnvironment):
    """Jinja's SandboxedEnvironment with the limits of this module (autoescape on)."""

    intercepted_binops = frozenset({"**", "*", "%"})
    template_class = LimitedTemplate

    def __init__(self) -> None:
        super().__init__(autoescape=True, loader=_NoTemplates())
        self.clock = _Clock()
        self.globals["range"] = _capped_range
        self.globals.pop("lipsum", None)
        for name in ("center", "indent", "wordwrap"):
            self.filters[name] = _wrap_filter(self.filters[name], _width_args)
        self.filters["format"] = _wrap_filter(self.filters["format"], _format_args)

    @contextmanager
    def limited(self) -> Iterator[None]:
        """Arm the deadline (and, on POSIX's main thread, a SIGALRM timer) for one render."""
        self.clock.deadline = time.monotonic() + RENDER_SECONDS
        alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        previous: Any = None
        if alarm:
            def expired(_signum: int, _frame: Any) -> None:
                self.clock.deadline = -math.inf
                self.clock.tick()

            previous = signal.signal(signal.SIGALRM, expired)
            signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS + 1)
        try:
            yield
        finally:
            self.clock.deadline = math.inf
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)

    def _check_value(self, value: Any) -> Any:
        if isinstance(value, (str, list, tuple, bytes)) and len(value) > MAX_VALUE_LENGTH:
            raise _too_long(len(value))
        return value

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``**``, ``*`` and ``%`` within `MAX_INT_BITS`, `MAX_VALUE_LENGTH`, `MAX_WIDTH`."""
        self.clock.tick()
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_product(left, right)
        elif operator == "%":
            _check_format(left)
        return self._check_value(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Sandbox call, with the clock and width checks of padding/format methods."""
        __self.clock.tick()
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name in _PADDING:
            _check_widths(args, kwargs)
        result = __self._check_value(super().call(__context, __obj, *args, **kwargs))
        if isinstance(owner, (list, dict, set)) and len(owner) > MAX_VALUE_LENGTH:
            raise _too_long(len(owner))  # x.append(…) in nested loops: a list that only grows
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Sandbox attribute access, with the clock and the value-length cap."""
        self.clock.tick()
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            _check_format(obj)  # checked when read: a format method can be called without call()
        return self._check_value(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Sandbox item access, with the clock and the value-length cap."""
        self.clock.tick()
        return self._check_value(super().getitem(obj, argument))
