#!/usr/bin/env python3
# check-layers.py SRC-DIR STAMP — every include under src/ points down.
#
# Each folder of src/ is a layer (see src/meson.build) and may include the
# headers of the layers it lists below, and its own. A private header
# (*-private.h) is its folder's alone; GTK, libadwaita and libshumate are
# for the map's widgets and the UI only. On an include that points up or
# sideways, this prints the file, the line and the rule, and fails the
# build.
import os
import re
import sys

BELOW = {
    'store': [],
    'model': ['store'],
    'incidents': ['store', 'model'],
    'area': ['store', 'model', 'incidents'],
    'patrols': ['store', 'model'],
    'grid': ['store', 'model'],
    'camera': [],
    'map': ['store', 'model', 'incidents', 'area', 'patrols', 'grid'],
    'sync': ['store', 'model', 'incidents', 'area', 'patrols', 'grid'],
    'report': ['store', 'model', 'incidents', 'area', 'patrols', 'grid'],
    'app': ['store', 'model', 'incidents', 'area', 'patrols', 'grid', 'map', 'sync', 'report'],
    'tools': ['store', 'model', 'incidents', 'area', 'patrols', 'grid', 'map', 'sync', 'report'],
    'ui': ['store', 'model', 'incidents', 'area', 'patrols', 'grid', 'map', 'sync', 'report', 'camera', 'app'],
}
# Files allowed the toolkit: the map's widgets and the UI.
TOOLKIT = re.compile(r'<(gtk/|adwaita\.h|shumate/)')
TOOLKIT_FILES = {'map/gp-overlay-layer.c', 'map/gp-overlay-layer.h',
                 'map/gp-tile-source.c', 'map/gp-tile-source.h',
                 'map/gp-track-picture.c', 'map/gp-track-picture.h'}
INCLUDE = re.compile(r'^\s*#\s*include\s+(["<][^">]+[">])')


def main():
    src, stamp = sys.argv[1], sys.argv[2]
    home = {}
    for layer in BELOW:
        for name in os.listdir(os.path.join(src, layer)):
            if name.endswith('.h'):
                home[name] = layer
    problems = []
    for layer in BELOW:
        folder = os.path.join(src, layer)
        for name in sorted(os.listdir(folder)):
            if not name.endswith(('.c', '.h')):
                continue
            where = f'{layer}/{name}'
            with open(os.path.join(folder, name), encoding='utf-8') as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if m is None:
                        continue
                    target = m.group(1)
                    header = target[1:-1]
                    if TOOLKIT.match(target) and layer != 'ui' and where not in TOOLKIT_FILES:
                        problems.append(f'src/{where}:{number}: {header}: the toolkit is for the UI '
                                        'and the map\'s widgets only')
                    owner = home.get(header)
                    if owner is None or owner == layer:
                        continue
                    if header.endswith('-private.h'):
                        problems.append(f'src/{where}:{number}: {header} is private to src/{owner}')
                    elif owner not in BELOW[layer]:
                        problems.append(f'src/{where}:{number}: {header} is in src/{owner}, '
                                        f'which is not below {layer}')
    if problems:
        print('Includes that point up a layer (src/meson.build lists the layers):', file=sys.stderr)
        for problem in problems:
            print('  ' + problem, file=sys.stderr)
        sys.exit(1)
    with open(stamp, 'w') as f:
        f.write('ok\n')


if __name__ == '__main__':
    main()
