import { describe, expect, it } from 'vitest';
import { candidateNames, matchInRelease, ReleaseIndex, resolveReference, type IndexedArtifact } from './lookup.js';
import { normalizeDebugId, prepareArtifacts, readTrailingComments } from './prepare.js';

const artifact = (name: string, kind: IndexedArtifact['kind'], extra: Partial<IndexedArtifact> = {}): IndexedArtifact => ({ id: name, name, kind, debugId: null, sourcemap: null, ...extra });

describe('candidateNames', () => {
  it('tries the full URL, then without query, then ~/path', () => {
    expect(candidateNames('https://shop.test/static/js/app.js?v=3#top')).toEqual([
      'https://shop.test/static/js/app.js?v=3',
      'https://shop.test/static/js/app.js',
      '~/static/js/app.js?v=3',
      '~/static/js/app.js',
    ]);
    expect(candidateNames('app:///main.js')).toEqual(['app:///main.js', '~/main.js']);
    expect(candidateNames('/srv/app/dist/index.js')).toEqual(['/srv/app/dist/index.js', '~/srv/app/dist/index.js']);
  });
});

describe('resolveReference', () => {
  it.each([
    ['~/static/js/app.js', 'app.js.map', '~/static/js/app.js.map'],
    ['~/static/js/app.js', '../maps/app.js.map', '~/static/maps/app.js.map'],
    ['~/static/js/app.js', '/maps/app.js.map', '~/maps/app.js.map'],
    ['https://cdn.test/js/app.js', 'app.js.map', 'https://cdn.test/js/app.js.map'],
    ['https://cdn.test/js/app.js', 'https://maps.test/app.js.map', 'https://maps.test/app.js.map'],
    ['dist/app.js', 'app.js.map', 'dist/app.js.map'],
  ])('%s + %s → %s', (file, reference, expected) => expect(resolveReference(file, reference)).toBe(expected));
});

describe('matchInRelease', () => {
  it('follows the minified file to the map its sourceMappingURL names', () => {
    const index = new ReleaseIndex([artifact('~/static/app.js', 'source', { sourcemap: 'maps/app.map' }), artifact('~/static/maps/app.map', 'sourcemap'), artifact('~/static/app.js.map', 'sourcemap')]);
    expect(matchInRelease(index, 'https://shop.test/static/app.js?v=1')).toMatchObject({ map: { name: '~/static/maps/app.map' }, minified: { name: '~/static/app.js' } });
  });

  it('falls back to <file>.map, then to a unique file name anywhere in the release', () => {
    expect(matchInRelease(new ReleaseIndex([artifact('https://shop.test/js/app.js.map', 'sourcemap')]), 'https://shop.test/js/app.js')).toMatchObject({ map: { name: 'https://shop.test/js/app.js.map' }, minified: null });
    expect(matchInRelease(new ReleaseIndex([artifact('~/build/app.js.map', 'sourcemap')]), 'https://cdn.test/assets/app.js')).toMatchObject({ map: { name: '~/build/app.js.map' } });
    // Two candidates with that file name: guessing could show the wrong code, so none is used.
    expect(matchInRelease(new ReleaseIndex([artifact('~/a/app.js.map', 'sourcemap'), artifact('~/b/app.js.map', 'sourcemap')]), 'https://cdn.test/app.js')).toBeNull();
    expect(matchInRelease(new ReleaseIndex([]), 'https://cdn.test/app.js')).toBeNull();
  });

  it('defers to the debug id of a minified file that has one and no map of its name', () => {
    const index = new ReleaseIndex([artifact('~/app.js', 'source', { debugId: 'd' })]);
    expect(matchInRelease(index, 'https://x.test/app.js')).toEqual({ debugId: 'd', minified: expect.objectContaining({ name: '~/app.js' }) });
  });
});

describe('prepareArtifacts', () => {
  const id = 'a1b2c3d4-0000-4000-8000-0123456789ab';

  it('reads debug ids and sourceMappingURL from the end of minified files, and debug_id from maps', () => {
    const js = Buffer.from(`console.log(1);\n//# sourceMappingURL=app.js.map\n//# debugId=${id.toUpperCase()}\n`);
    expect(readTrailingComments(js)).toEqual({ sourcemap: 'app.js.map', debugId: id });
    const { prepared, skipped } = prepareArtifacts([
      { name: '~/app.js', content: js },
      { name: '~/app.js.map', content: Buffer.from(JSON.stringify({ version: 3, sources: [], names: [], mappings: '', debug_id: id })) },
      { name: '~/broken.js.map', content: Buffer.from('{"version":3') },
      { name: '~/style.css', content: Buffer.from('{"version": 3}'), kind: 'sourcemap' },
    ]);
    expect(prepared.map((p) => [p.name, p.kind, p.debugId, p.sourcemap])).toEqual([
      ['~/app.js', 'source', id, 'app.js.map'],
      ['~/app.js.map', 'sourcemap', id, null],
    ]);
    expect(skipped.map((s) => s.name)).toEqual(['~/broken.js.map', '~/style.css']);
  });

  it('stores an inline data-URL map as <file>.map', () => {
    const map = Buffer.from(JSON.stringify({ version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA' })).toString('base64');
    const { prepared } = prepareArtifacts([{ name: '~/inline.js', content: Buffer.from(`x();\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}\n`) }]);
    expect(prepared.map((p) => [p.name, p.kind, p.sourcemap])).toEqual([
      ['~/inline.js.map', 'sourcemap', null],
      ['~/inline.js', 'source', 'inline.js.map'],
    ]);
  });

  it('normalises debug ids and refuses what is not one', () => {
    expect(normalizeDebugId('A1B2C3D4000040008000012345678 9AB')).toBeNull();
    expect(normalizeDebugId('a1b2c3d40000400080000123456789ab')).toBe(id);
    expect(normalizeDebugId(`${id}-1`)).toBe(id);
    expect(normalizeDebugId(42)).toBeNull();
  });
});
