"""Run `ansible-test sanity` on a copy of the tracked files, offline-capable.

Two workarounds live here, so nobody has to remember them:

1. ansible-test refuses to run outside a real `.../ansible_collections/<namespace>/<name>`
   directory, and resolves symlinks (so .collections/... -> repository is refused). We copy the
   files git tracks (plus new, not ignored files) to build/sanity/ansible_collections/..., make
   that copy a git repository of its own, and run there.
2. To create the virtual environments of the sanity tests, ansible-test bootstraps pip with a
   get-pip script downloaded from ci-files.testing.ansible.com, which this network cannot reach.
   ansible-test first looks for the script in ~/.ansible/test/cache/get_pip_<version>.py; we put a
   small shim there that installs pip with the interpreter's own `ensurepip` and then upgrades to
   the pinned pip version from PyPI (which is reachable). The venvs are otherwise ansible-test's own.

Sanity runs with no ignore file: every test that can run here must pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def build_dir() -> Path:
    """The copy for this ansible-core version (the legs of tools/legs.py run at the same time)."""
    from ansible.release import __version__

    core = ".".join(__version__.split(".")[:2])
    return ROOT / "build" / "sanity" / f"core{core}" / "ansible_collections" / "hybrid_identity" / "entra_connect"


BUILD = build_dir()

GET_PIP_SHIM = '''"""get-pip stand-in written by tools/run_sanity.py (the real script is not reachable here).

Called by ansible-test as: python get_pip_X.py [pip options] pip==X [--no-setuptools] [--no-wheel]
"""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *args])
'''

# Sanity tests that cannot run on these machines, each with the reason.
UNAVAILABLE = {
    "pslint": "needs PowerShell (pwsh), which cannot be installed here; tools/pscheck.py parses helpers",
}


def pip_bootstrap_version() -> str:
    import ansible_test

    source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    match = re.search(r"default_packages = dict\(\s*pip='([^']+)'", source.read_text())
    if not match:
        raise SystemExit(f"cannot find the pip bootstrap version in {source}")
    return match.group(1)


def install_shim() -> None:
    version = pip_bootstrap_version()
    cache = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{version.replace('.', '_')}.py"
    cache.parent.mkdir(parents=True, exist_ok=True)
    if not cache.exists() or cache.read_text() != GET_PIP_SHIM:
        cache.write_text(GET_PIP_SHIM)


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return sorted(f for f in out.split("\0") if f and (ROOT / f).is_file())


def copy_tree() -> None:
    if BUILD.exists():
        shutil.rmtree(BUILD)
    for name in tracked_files():
        target = BUILD / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    # A repository of its own: otherwise ansible-test finds this checkout's .git above the copy,
    # where build/ is ignored, and skips every file.
    git = ["git", "-c", "user.name=sanity", "-c", "user.email=sanity@localhost"]
    subprocess.run([*git, "init", "-q"], cwd=BUILD, check=True)
    subprocess.run([*git, "add", "-A"], cwd=BUILD, check=True)


def main() -> int:
    install_shim()
    copy_tree()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    # Arguments are passed on to ansible-test sanity (for example --test pylint).
    command = [str(BIN / "ansible-test"), "sanity", "--python", python, "--color", "no", *sys.argv[1:]]
    for test, why in UNAVAILABLE.items():
        print(f"run_sanity: skipping {test}: {why}")
        command += ["--skip-test", test]
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("ANSIBLE_CONFIG", None)  # sanity runs on the copy, not through the repository link
    return subprocess.run(command, cwd=BUILD, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
