#!/usr/bin/env bash
# Makes sure the system packages Observer and its tests need are installed.
#
#   bash scripts/install-system-packages.sh [--check] [--without-browser]
#
#   --check            only report; exit 1 if something is missing, never install
#   --without-browser  skip Chromium and its fonts (servers that only run Observer)
#
# Each requirement is checked by its binary or path first; when everything is present the
# script prints one line and changes nothing, so it is safe to run on every CI job and
# every deploy. Missing packages are installed with apt-get when running as root on
# Debian/Ubuntu; otherwise the exact command to run is printed and the script exits 1.
# Exit codes: 0 everything present (or installed), 1 something missing, 2 bad usage.
set -euo pipefail

# What Observer needs, checked by the first column (a command on PATH, or an absolute path
# that must exist) and installed from the Debian package in the second column.
#   check                                           package               group    for
REQUIREMENTS=(
  "bwrap                                            bubblewrap            server   the code sandbox"
  "gcc                                              gcc                   server   compiling C"
  "g++                                              g++                   server   compiling C++"
  "javac                                            default-jdk-headless  server   compiling Java"
  "java                                             default-jdk-headless  server   running Java"
  "/usr/bin/python3                                 python3               server   running Python"
  "/usr/bin/chromium                                chromium              browser  the e2e tests"
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf  fonts-dejavu-core     browser  e2e screenshots"
  "/usr/sbin/nginx                                  nginx-light           browser  checking the shipped nginx sites (nginx -t)"
)

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

check_only=false
with_browser=true
for arg in "$@"; do
  case "$arg" in
    --check) check_only=true ;;
    --without-browser) with_browser=false ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-system-packages: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

# present CHECK: true when CHECK (an executable on PATH, or an absolute path) is available.
# An absolute path under a bin/ directory must also be executable.
present() {
  local found
  case "$1" in
    */bin/*) [[ -f "$1" && -x "$1" ]] ;;
    /*) [[ -e "$1" ]] ;;
    *) found="$(type -P "$1")" && [[ -x "$found" ]] ;;
  esac
}

is_ubuntu() {
  [[ -r /etc/os-release ]] && grep -Eqi '^(ID|ID_LIKE)=.*ubuntu' /etc/os-release
}

# Fills MISSING_CHECKS (what is absent) and MISSING_PACKAGES (each package once).
find_missing() {
  MISSING_CHECKS=()
  MISSING_PACKAGES=()
  local line check package group purpose
  for line in "${REQUIREMENTS[@]}"; do
    read -r check package group purpose <<<"$line"
    [[ "$group" == browser && "$with_browser" == false ]] && continue
    present "$check" && continue
    MISSING_CHECKS+=("$check (package $package, for $purpose)")
    [[ " ${MISSING_PACKAGES[*]} " == *" $package "* ]] || MISSING_PACKAGES+=("$package")
  done
}

print_missing() {
  echo "Missing system packages for Observer:"
  printf '  - %s\n' "${MISSING_CHECKS[@]}"
}

# Ubuntu publishes Chromium only as a snap: its apt package is a stub that installs the snap,
# which gives no /usr/bin/chromium and does not run in containers or CI without snapd.
ubuntu_chromium_note() {
  cat <<'EOF'
Note: on Ubuntu, apt's Chromium is only a stub that installs the snap, which provides no
/usr/bin/chromium and does not run in containers or CI without snapd, so this script does
not install it. The e2e tests need a real /usr/bin/chromium: run them on Debian (for example
in a debian:bookworm container), or install a non-snap Chromium that provides
/usr/bin/chromium. Servers that only run Observer can use --without-browser.
EOF
}

scope="" flags=""
if [[ "$with_browser" == false ]]; then
  scope=" (without browser)" flags=" --without-browser"
fi

find_missing
if ((${#MISSING_CHECKS[@]} == 0)); then
  echo "System packages for Observer${scope}: all present, nothing to do."
  exit 0
fi

# Never ask apt for Chromium on Ubuntu: explain instead (see ubuntu_chromium_note).
apt_packages=()
chromium_on_ubuntu=false
for package in "${MISSING_PACKAGES[@]}"; do
  if [[ "$package" == chromium ]] && is_ubuntu; then
    chromium_on_ubuntu=true
  else
    apt_packages+=("$package")
  fi
done
apt_command="apt-get install -y --no-install-recommends ${apt_packages[*]}"

if [[ "$check_only" == true ]]; then
  print_missing
  if ((${#apt_packages[@]} > 0)); then
    echo "Install them with: sudo bash scripts/install-system-packages.sh${flags}"
    echo "  (or: sudo apt-get update && sudo $apt_command)"
  fi
  [[ "$chromium_on_ubuntu" == true ]] && ubuntu_chromium_note
  exit 1
fi

if [[ "$(id -u)" != 0 ]] || ! present apt-get; then
  print_missing
  if present apt-get; then
    if ((${#apt_packages[@]} > 0)); then
      echo "Not running as root, so not installing them. Run:"
      echo "  sudo apt-get update && sudo $apt_command"
    fi
  else
    echo "apt-get is not available here. On Debian/Ubuntu run:"
    echo "  sudo apt-get update && sudo $apt_command"
    echo "Elsewhere, install the equivalent packages with your system's package manager."
  fi
  [[ "$chromium_on_ubuntu" == true ]] && ubuntu_chromium_note
  exit 1
fi

if ((${#apt_packages[@]} > 0)); then
  echo "Installing system packages for Observer: ${apt_packages[*]}"
  # Slim Debian images lack the man directories that the JDK's update-alternatives expects.
  mkdir -p /usr/share/man/man1
  export DEBIAN_FRONTEND=noninteractive
  # Wait for an unattended upgrade holding the dpkg lock instead of failing at once.
  apt-get -o DPkg::Lock::Timeout=300 update
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${apt_packages[@]}"
fi

find_missing
if ((${#MISSING_CHECKS[@]} > 0)); then
  print_missing
  [[ "$chromium_on_ubuntu" == true ]] && ubuntu_chromium_note
  exit 1
fi
echo "System packages for Observer${scope}: installed."
