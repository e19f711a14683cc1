#!/usr/bin/env bash
# Static C libraries for the packaged builds, made once from Debian's own
# source packages and cached, so that a package needs neither Go nor extra
# libraries on the user's machine.
#
#   scripts/build-deps.sh mingw   # Windows (x86_64-w64-mingw32): libturbojpeg.a, libisal.a + headers
#   scripts/build-deps.sh linux   # Linux: libisal.a (Debian ships no static one), libturbojpeg.a (Debian's)
#
# The result is $CL_DEPS_CACHE/<target>/{include,lib} (by default under
# ~/.cache/concurrencylab-build); the Makefile passes it to cgo with
# CGO_CFLAGS=-I…/include and CGO_LDFLAGS=-L…/lib. The linker looks in that
# folder first and finds only .a files there, so it links them statically.
# A stamp names the source versions: a folder made from other versions is
# rebuilt, one made from these is reused (a second run takes no time).
set -euo pipefail
# dpkg-source (perl) warns about a locale that is not installed; C is enough here.
export LC_ALL=C
target=${1:?usage: $0 mingw|linux}
cache=${CL_DEPS_CACHE:-$HOME/.cache/concurrencylab-build}
dest=$cache/$target
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

case $target in
mingw) need=(gcc-mingw-w64-x86-64 cmake nasm dpkg-dev) ;;
linux) need=(gcc nasm dpkg-dev libturbojpeg0-dev) ;;
*) echo "$0: unknown target $target (mingw or linux)" >&2; exit 2 ;;
esac
missing=$(for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
	echo "installing:" $missing
	$SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

# Source packages come from deb-src entries, which a Debian install often
# lacks: add one for the same archive and suites as the binary packages.
if ! apt-cache showsrc libisal 2>/dev/null | grep -q '^Package:'; then
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	echo "adding deb-src entries for Debian $codename: /etc/apt/sources.list.d/concurrencylab-src.sources"
	$SUDO tee /etc/apt/sources.list.d/concurrencylab-src.sources >/dev/null <<-EOF
	Types: deb-src
	URIs: http://deb.debian.org/debian
	Suites: $codename $codename-updates
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

	Types: deb-src
	URIs: http://deb.debian.org/debian-security
	Suites: $codename-security
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	$SUDO apt-get update -qq
fi

srcver() { apt-cache showsrc "$1" | awk '/^Version:/{print $2; exit}'; }
stamp="script=2 libjpeg-turbo=$(srcver libjpeg-turbo) libisal=$(srcver libisal)"
if [ "$(cat "$dest/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$dest: up to date ($stamp)"
	exit 0
fi

t0=$(date +%s)
work=$(mktemp -d)
mkdir -p "$cache"
out=$(mktemp -d "$cache/.$target.XXXXXX")
trap 'rm -rf "$work" "$out"' EXIT
mkdir -p "$out/include/isa-l" "$out/lib"
cd "$work"
pkgs=(libisal)
[ "$target" = mingw ] && pkgs+=(libjpeg-turbo)
# --download-only then dpkg-source as the user: apt-get source as root warns
# that it cannot sandbox the download, which is harmless here.
apt-get source -qq "${pkgs[@]}" 2>&1 | grep -v -e 'unsandboxed' -e '^dpkg-source: info' || true

# ISA-L: its own makefile knows mingw (arch=mingw); nasm assembles the
# SIMD code. -fPIC for Linux, where Go may link a position-independent binary.
isal=$(echo libisal-*/)
if [ "$target" = mingw ]; then
	make -s -C "$isal" -f Makefile.unx -j2 arch=mingw AS=nasm lib >isal.log 2>&1 || { tail -30 isal.log; exit 1; }
else
	make -s -C "$isal" -f Makefile.unx -j2 AS=nasm CFLAGS_="-Wall -fPIC" lib >isal.log 2>&1 || { tail -30 isal.log; exit 1; }
fi
cp "$isal/bin/isa-l.a" "$out/lib/libisal.a"
cp "$isal"/include/{crc,crc64,erasure_code,gf_vect_mul,igzip_lib,mem_routines,raid,test,types}.h "$out/include/isa-l/"

if [ "$target" = mingw ]; then
	# libjpeg-turbo with its SIMD code (nasm), static only: the .exe needs no DLL.
	cat >mingw.cmake <<-'EOF'
	set(CMAKE_SYSTEM_NAME Windows)
	set(CMAKE_SYSTEM_PROCESSOR AMD64)
	set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
	set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
	set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
	set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
	set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
	set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
	EOF
	jt=$(echo libjpeg-turbo-*/)
	cmake -S "$jt" -B jt-build -DCMAKE_TOOLCHAIN_FILE="$work/mingw.cmake" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$work/jt-install" \
		-DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_SIMD=ON -DWITH_TURBOJPEG=ON -DWITH_JAVA=OFF >jt.log 2>&1 ||
		{ tail -30 jt.log; exit 1; }
	grep -q 'SIMD extensions: x86_64' jt.log || { echo "libjpeg-turbo: no SIMD (is nasm installed?)"; grep -i simd jt.log; exit 1; }
	make -s -C jt-build -j2 turbojpeg-static >>jt.log 2>&1 || { tail -30 jt.log; exit 1; }
	cp jt-build/libturbojpeg.a "$out/lib/"
	cp "$jt/turbojpeg.h" "$out/include/"
else
	# Debian ships libturbojpeg.a beside the .so; the linker takes the
	# first it finds, so it goes into the folder searched first.
	a=$(dpkg -L libturbojpeg0-dev | grep '/libturbojpeg\.a$')
	cp "$a" "$out/lib/"
fi

echo "$stamp" >"$out/stamp"
chmod 755 "$out"
rm -rf "$dest.old"
[ -d "$dest" ] && mv "$dest" "$dest.old"
mv "$out" "$dest"
rm -rf "$dest.old"
echo "$dest: built in $(($(date +%s) - t0)) s ($stamp):"
ls -l "$dest/lib"
