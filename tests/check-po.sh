#!/bin/sh
# Every file with translatable strings is in po/POTFILES.in, and every
# string in them is translated in every language of po/LINGUAS.
set -eu
top=$1
cd "$top"
status=0

# Files that mark strings for translation but are not listed.
for f in $(find src data -type f \( -name '*.c' -o -name '*.ui' -o -name '*.in' -o -name '*.gschema.xml' \) | sort); do
  if grep -qE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext)[[:space:]]*\(|translatable="yes"|<summary>|^(Name|Comment|Keywords)=' "$f"; then
    grep -qxF "$f" po/POTFILES.in || { echo "po/POTFILES.in lacks $f"; status=1; }
  fi
done
# Files listed that no longer exist.
while read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist"; status=1; }
done < po/POTFILES.in
[ $status -eq 0 ] || exit $status

# The strings as they are in the sources now, against each translation.
pot=$(mktemp)
trap 'rm -f "$pot"' EXIT
xgettext --package-name=gridpatrol --from-code=UTF-8 --add-comments --files-from=po/POTFILES.in \
  --directory="$top" --output="$pot" \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_set_error:4:c-format --flag=g_prefix_error:2:c-format 2>/dev/null

for lang in $(cat po/LINGUAS); do
  # msgcmp counts untranslated and fuzzy messages as missing.
  msgcmp "po/$lang.po" "$pot" || { echo "po/$lang.po: strings above are not translated"; status=1; }
  msgfmt --check --output-file=/dev/null "po/$lang.po" || status=1
done
exit $status
