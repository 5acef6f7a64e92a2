"""The served process: uvicorn running a service's app, in an interpreter of its own.

`koers-tracker serve` and `koers-notifier serve` take their options with the command line's libraries,
then become this process (exec: the same process id, so a supervisor's signals reach the server). Here
the command line's libraries are not loaded, and rich and pygments are kept out: structlog and httpx
import them whenever they are installed (for a console renderer, and httpx's command-line client),
though a served process only writes JSON. They were 5 MB of each service's memory (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, NoReturn

if __name__ in ("__main__", "__mp_main__"):  # uvicorn's worker processes import this module as __mp_main__
    # None in sys.modules makes an import fail as if the package were missing; both libraries allow that.
    for name in ("rich", "pygments"):
        sys.modules[name] = None  # type: ignore[assignment]


def become_server(app: str, *, one_arena: bool = False, **options: Any) -> NoReturn:
    """Become a server of `app` (an app factory's import path) with uvicorn's `options`; with `one_arena`
    glibc's malloc keeps one arena (koers.malloc)."""
    sys.stdout.flush()
    sys.stderr.flush()
    arguments = json.dumps({"app": app, "one_arena": one_arena, "options": options})
    # -P: the working directory is not put on the module path, as it was not for the command's own script:
    # a file there (a uvicorn.py, say) must not stand in for an installed module.
    os.execv(sys.executable, [sys.executable, "-P", "-m", "koers.serve", arguments])  # noqa: S606 (our own argv)


def _main(arguments: dict[str, Any]) -> None:
    if arguments["one_arena"]:
        from koers.malloc import one_arena

        one_arena()  # before uvicorn starts any thread

    import uvicorn

    uvicorn.run(arguments["app"], factory=True, log_config=None, **arguments["options"])


if __name__ == "__main__":
    _main(json.loads(sys.argv[1]))
