#!/usr/bin/env python
"""Run notebooks top to bottom and save their outputs in place: what the committed outputs come from.

    python tools/run_nb.py nbs/08_augment.ipynb              # full scale (the course's settings)
    python tools/run_nb.py nbs/0[2-7]*.ipynb --scale test    # the small runs nbdev_test makes
    python tools/run_nb.py nbs/12_ddpm_v2.ipynb --flags cuda # also run the cells marked `#| cuda`

Each notebook runs in a fresh process (nothing from the last one leaks into the next), with its folder as the working
directory, the way `nbdev_test` runs it. Cells marked `#| eval: false` are skipped, and so are cells marked with a flag
of `settings.ini`'s `tst_flags` (e.g. `#| cuda`) unless it is passed with `--flags`. A notebook is written back only
if every cell ran: a failing run prints the cell and its error and leaves the file as it was. Then `nbdev_clean`
strips the metadata, ready to commit."""
import argparse, os, subprocess, sys, time, traceback
from pathlib import Path

def _directives(source):
    "The `#| ` directives at the top of a cell, as a set of words (`#| eval: false` gives {'eval:', 'false'})."
    words = set()
    for line in source.splitlines():
        if not line.startswith('#|'): break
        words.update(line[2:].replace(':', ': ').split())
    return words

def _skip(cell, skip_flags:set):
    if cell.cell_type != 'code': return True
    d = _directives(cell.source)
    if {'eval:', 'false'} <= d: return True
    return bool(d & skip_flags)

def _tst_flags():
    from nbdev.config import get_config
    return set(get_config(path=Path(__file__).parents[1]).tst_flags.split())

def _notebook_progress_bars():
    "fastprogress takes this shell for a console: give it the notebook bars, so outputs hold HTML tables and live plots."
    import fastprogress, fastprogress.fastprogress as fp
    fp.IN_NOTEBOOK = True
    fp.master_bar,fp.progress_bar = fastprogress.master_bar,fastprogress.progress_bar = fp.NBMasterBar,fp.NBProgressBar

def _latest_displays(outs):
    "Keep one output per display id, the latest, where the first appeared: what a notebook shows after `update_display`."
    last,res = {},[]
    for o in outs:
        did = (getattr(o, 'transient', None) or {}).get('display_id')
        if did is None: res.append(o)
        elif did in last: res[last[did]] = o
        else: last[did] = len(res); res.append(o)
    return res

def _shell(path):
    from execnb.shell import CaptureShell
    class Shell(CaptureShell):
        "A CaptureShell whose display updates replace the display they update (progress bars, live plots)."
        def _run(self, *args, **kwargs):
            res = super()._run(*args, **kwargs)
            res.display_objects = _latest_displays(res.display_objects)
            return res
    return Shell(path, mpl_format='png')

def run_one(path:Path, flags) -> bool:
    "Execute `path` in this process (called in a child per notebook) and write it back if every cell ran."
    from execnb.nbio import read_nb, write_nb
    _notebook_progress_bars()
    nb = read_nb(path)
    os.chdir(path.parent)
    shell = _shell(path.parent.resolve())
    shell._fname = str(path)
    skip_flags = _tst_flags() - set(flags)   # read settings.ini once, not once a cell
    cells = [c for c in nb.cells if not _skip(c, skip_flags)]
    t0 = time.perf_counter()
    for i,cell in enumerate(cells):
        t = time.perf_counter()
        first = next((l for l in cell.source.splitlines() if l.strip() and not l.startswith('#|')), '')[:60]
        print(f'  [{i+1:3}/{len(cells)}] {first}', end='', flush=True, file=sys.stderr)
        cell.outputs = []   # the shell keeps a cell's old outputs when the new run prints nothing
        shell.cell(cell)
        print(f'  ({time.perf_counter()-t:.1f} s)', flush=True, file=sys.stderr)
        if shell.exc:
            print(f'\n{path}: cell {i+1} failed:\n{cell.source}\n', file=sys.stderr)
            traceback.print_exception(shell.exc, file=sys.stderr)
            return False
    write_nb(nb, path)
    print(f'{path}: {len(cells)} cells in {time.perf_counter()-t0:.0f} s, outputs saved', file=sys.stderr)
    return True

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('notebooks', nargs='+', type=Path)
    p.add_argument('--scale', choices=('full', 'test'), default='full', help='MINIAI_SCALE for the run (default: full)')
    p.add_argument('--flags', nargs='*', default=[], help='tst_flags whose cells should run too (e.g. cuda)')
    p.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child: sys.exit(0 if run_one(a.notebooks[0].resolve(), a.flags) else 1)
    missing = [str(n) for n in a.notebooks if not n.is_file()]
    if missing: sys.exit(f'No such notebook: {", ".join(missing)}')
    env = {k:v for k,v in os.environ.items() if k != 'IN_TEST'}
    env['MINIAI_SCALE'] = a.scale
    env.pop('MPLBACKEND', None)   # the shell draws figures inline, into the outputs
    failed = []
    for nb in a.notebooks:
        print(f'== {nb} (scale: {a.scale})', file=sys.stderr, flush=True)
        t = time.perf_counter()
        flags = f' --flags {" ".join(a.flags)}' if a.flags else ''
        env['MINIAI_COMMAND'] = f'python tools/run_nb.py {nb} --scale {a.scale}{flags}'   # a model trained here records it
        rc = subprocess.call([sys.executable, __file__, str(nb), '--child', '--flags', *a.flags], env=env)
        print(f'== {nb}: {"ok" if rc == 0 else "FAILED"} in {time.perf_counter()-t:.0f} s', file=sys.stderr, flush=True)
        if rc: failed.append(str(nb))
    if failed: sys.exit(f'failed: {", ".join(failed)}')
    for nb in a.notebooks: subprocess.call(['nbdev_clean', '--fname', str(nb)])

if __name__ == '__main__': main()
