#!/usr/bin/env python3
# Checks the Flatpak manifest offline, against the tree:
#
# - it is JSON, for this app, on the GNOME runtime of the baseline;
# - every library the build asks meson for is either in the GNOME runtime
#   or built by a module of the manifest (a new dependency added to a
#   meson.build without a module fails here, not on a user's machine);
# - every module the manifest builds is needed by the app or by another
#   module;
# - the font the PDF summaries ask for first is in the runtime or built by
#   a module (otherwise Flatpak users get the fallback's large PDFs);
# - every downloaded source is pinned by sha256 or by commit;
# - the sandbox holds no more than the app needs: location, files,
#   secrets and the camera go through portals, so no file system, device,
#   GeoClue or keyring access is granted.
#
# - the AppStream metadata has a release entry for this version first, and
#   each screenshot it names is in data/screenshots/.
#
# What needs the network (that the runtime and the sources can be fetched
# and built) is not checked here; see README.md.
#
#   check-flatpak.py SOURCE-ROOT

import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ElementTree

# The pkg-config names the GNOME 50 runtime (org.gnome.Platform) ships, of
# those a GTK app of this kind uses: GLib, GTK, libadwaita and what the
# GNOME SDK documents as part of the platform.
RUNTIME = {
    'glib-2.0', 'gio-2.0', 'gobject-2.0', 'gio-unix-2.0', 'gmodule-2.0',
    'gtk4', 'libadwaita-1', 'gdk-pixbuf-2.0', 'cairo', 'pango', 'pangocairo',
    'json-glib-1.0', 'sqlite3', 'libsoup-3.0', 'libsecret-1', 'librsvg-2.0',
    'gstreamer-1.0', 'gstreamer-video-1.0', 'gstreamer-app-1.0', 'libpipewire-0.3', 'libportal',
    'libportal-gtk4',
}
# Which module of the manifest provides a library the runtime lacks, and
# what each module needs from the others.
MODULES = {
    'libgeoclue-2.0': 'libgeoclue',
    'shumate-1.0': 'libshumate',
}
# Font families the runtime ships, and the module that ships any other the
# app asks for by name.
RUNTIME_FONTS = {'Cantarell', 'DejaVu Sans', 'Noto Sans CJK SC', 'Sans'}
FONT_MODULES = {
    'WenQuanYi Micro Hei': 'fonts-wqy-microhei',
}
NEEDED_BY_MODULES = {
    'protobuf-c': 'libshumate',
}
APP_MODULE = 'gridpatrol'
FINISH_ARGS = {
    '--share=ipc',
    '--socket=fallback-x11',
    '--socket=wayland',
    '--device=dri',
    '--share=network',
}

failures = []


def fail(message):
    failures.append(message)


def main():
    top = pathlib.Path(sys.argv[1])
    manifest_path = top / 'org.example.GridPatrol.json'
    try:
        manifest = json.loads(manifest_path.read_text(encoding='utf-8'))
    except (OSError, ValueError) as error:
        print(f'{manifest_path}: not a JSON manifest: {error}')
        return 1

    if manifest.get('id') != 'org.example.GridPatrol':
        fail(f'the manifest is for {manifest.get("id")!r}, not org.example.GridPatrol')
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        fail('the runtime is not the GNOME Platform and SDK')
    if manifest.get('runtime-version') != '50':
        fail(f'runtime version {manifest.get("runtime-version")!r}, not the baseline\'s 50')

    args = set(manifest.get('finish-args', []))
    for arg in sorted(args - FINISH_ARGS):
        fail(f'finish-arg {arg} grants more than the app needs (it reaches files, location '
             'and secrets through portals)')
    for arg in sorted(FINISH_ARGS - args):
        fail(f'finish-arg {arg} is missing')

    modules = manifest.get('modules', [])
    names = [m.get('name') for m in modules if isinstance(m, dict)]
    if not names or names[-1] != APP_MODULE:
        fail(f'the last module should be the app, {APP_MODULE}')

    # Sources: pinned, or the tree itself for the app.
    for module in modules:
        for source in module.get('sources', []):
            kind = source.get('type')
            if module.get('name') == APP_MODULE and kind == 'dir':
                continue
            if kind in ('archive', 'file'):
                if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
                    fail(f'module {module.get("name")}: {source.get("url")} has no sha256')
                if not source.get('url', '').startswith('https://'):
                    fail(f'module {module.get("name")}: {source.get("url")} is not fetched over https')
            elif kind == 'git':
                if not re.fullmatch(r'[0-9a-f]{40}', source.get('commit', '')):
                    fail(f'module {module.get("name")}: {source.get("url")} is not pinned to a commit')
            else:
                fail(f'module {module.get("name")}: a {kind!r} source cannot be pinned')

    # Dependencies the build asks for.
    wanted = set()
    for build_file in [top / 'meson.build', *sorted((top / 'src').glob('**/meson.build'))]:
        text = build_file.read_text(encoding='utf-8')
        for name in re.findall(r"\bdependency\(\s*'([^']+)'", text):
            wanted.add((name, build_file.relative_to(top)))

    needed_modules = {APP_MODULE}
    for name, where in sorted(wanted):
        if name in RUNTIME:
            continue
        module = MODULES.get(name)
        if module is None:
            fail(f'{where} needs {name}, which the GNOME runtime does not ship and no module '
                 'of the manifest builds')
        elif module not in names:
            fail(f'{where} needs {name}: the manifest lacks its module {module}')
        else:
            needed_modules.add(module)
    font = re.search(r'#define FONT\s+"([^"]+)"',
                     (top / 'src' / 'report' / 'gp-summary.c').read_text(encoding='utf-8'))
    if font is None:
        fail('src/report/gp-summary.c defines no FONT')
    else:
        family = font.group(1).split(',')[0].strip()
        module = FONT_MODULES.get(family)
        if family in RUNTIME_FONTS:
            pass
        elif module is None:
            fail(f'the summaries ask for the font {family}, which the runtime lacks and no module ships')
        elif module not in names:
            fail(f'the summaries ask for the font {family}: the manifest lacks its module {module}')
        else:
            needed_modules.add(module)
    for module, needer in NEEDED_BY_MODULES.items():
        if needer in needed_modules:
            needed_modules.add(module)
            if module not in names:
                fail(f'{needer} needs {module}, which the manifest does not build')
            elif names.index(module) > names.index(needer):
                fail(f'{module} must be built before {needer}')
    for name in names:
        if name not in needed_modules:
            fail(f'module {name} is built but nothing needs it')

    # AppStream: this version's release, and the screenshots shipped.
    version = re.search(r"version:\s*'([^']+)'", (top / 'meson.build').read_text(encoding='utf-8'))
    metainfo = ElementTree.parse(top / 'data' / 'org.example.GridPatrol.metainfo.xml.in').getroot()
    releases = metainfo.findall('./releases/release')
    if version is None or not releases or releases[0].get('version') != version.group(1):
        fail(f'the metainfo\'s first release is not this version ({version.group(1) if version else "?"})')
    screenshots = metainfo.findall('./screenshots/screenshot/image')
    if not screenshots:
        fail('the metainfo shows no screenshot')
    for image in screenshots:
        name = (image.text or '').rsplit('/', 1)[-1]
        if not (top / 'data' / 'screenshots' / name).is_file():
            fail(f'the metainfo shows {image.text}, which is not in data/screenshots/')

    for message in failures:
        print(message)
    if not failures:
        print(f'ok: {len(names)} modules, {len(wanted)} dependencies, {len(args)} finish-args')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
