# Packaging: `cmake --install` installs the binary and the man page generated from --help;
# CPack builds a .deb whose metadata and dependencies are right, and `dpkg -i` installs it
# (into a private root with its own dpkg database, so the machine's own is never touched,
# also when the suite runs as root) and the installed `migrate-gate --version` runs.
. "$(dirname "$0")/lib/harness.sh"
BUILD=${MIGRATE_GATE_BUILD:?run through ctest}
OUT=$BUILD/test-outputs/package_deb
rm -rf "$OUT"
mkdir -p "$OUT"
version=$("$BIN" --version | awk '{print $2}')

# cmake --install: the binary and its man page, which says what --help says.
check "cmake --install" cmake --install "$BUILD" --prefix "$tmp/prefix" > /dev/null
check "installed binary runs" test "$("$tmp/prefix/bin/migrate-gate" --version)" = "migrate-gate $version"
man -l "$tmp/prefix/share/man/man1/migrate-gate.1.gz" > "$OUT/man.txt" 2> /dev/null ||
	zcat "$tmp/prefix/share/man/man1/migrate-gate.1.gz" > "$OUT/man.txt"
check "man page has every command" grep -q "comment" "$OUT/man.txt"
check "man page option from --help" grep -qF -- "$("$BIN" help check | grep -o -- '--irreversible-downgrade' | head -n 1)" "$OUT/man.txt"

# cpack -G DEB from the same build.
(cd "$tmp" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$tmp/pkg" > "$OUT/cpack.log" 2>&1)
deb=$(ls "$tmp"/pkg/migrate-gate_*.deb 2> /dev/null | head -n 1)
check "cpack built a .deb" test -s "$deb"
dpkg-deb -I "$deb" > "$OUT/control.txt" 2>&1
check "package name and version" grep -q "^ Version: $version$" "$OUT/control.txt"
check "library dependencies from dpkg-shlibdeps" grep -qE '^ Depends: .*libpq5.*' "$OUT/control.txt"
dpkg-deb -c "$deb" > "$OUT/contents.txt"
check "the .deb holds the binary" grep -q ' ./usr/bin/migrate-gate$' "$OUT/contents.txt"
check "the .deb holds the man page" grep -q ' ./usr/share/man/man1/migrate-gate.1.gz$' "$OUT/contents.txt"
# Each dependency is installed here, so a real `dpkg -i` would configure.
installed_or_provided() {
	dpkg-query -W -f='${Status}' "$1" 2> /dev/null | grep -q "install ok installed" ||
		dpkg-query -W -f='${Status} ${Provides}\n' 2> /dev/null | grep "^install ok installed" | grep -qE "[ ,]$1( |,|$)"
}
deps_ok() {
	local dep alt ok
	while read -r dep; do
		ok=no
		for alt in $(echo "$dep" | sed 's/([^)]*)//g; s/|/ /g'); do
			installed_or_provided "$alt" && ok=yes
		done
		[ "$ok" = yes ] || { echo "missing: $dep"; return 1; }
	done < <(sed -n 's/^ Depends: //p' "$OUT/control.txt" | tr ',' '\n')
}
check "its dependencies are installed" deps_ok

# dpkg -i into a private root and database.
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: > "$root/var/lib/dpkg/status"
check "dpkg -i" dpkg --force-not-root --force-depends --force-script-chrootless --log="$OUT/dpkg.log" \
	--admindir="$root/var/lib/dpkg" --instdir="$root" -i "$deb"
check "dpkg knows it" sh -c "dpkg --admindir='$root/var/lib/dpkg' -s migrate-gate | grep -q '^Status: install ok installed'"
check "the installed migrate-gate --version" test "$("$root/usr/bin/migrate-gate" --version)" = "migrate-gate $version"
finish
