import { describe, expect, it } from 'vitest';
import { WeightedLru } from './cache.js';
import { bareFunctionName, closingBracket, enclosingDeclaration } from './scope.js';

describe('enclosingDeclaration', () => {
  const at = (code: string, marker: string) => code.indexOf(marker);

  it('finds the declaration whose body encloses the position, skipping siblings with the same minified name', () => {
    const code = 'function n(){return 1}function a(){function n(e){if(e)throw new Error("}{")}return n(1)}';
    // The second `n` encloses the throw; the first closed before it.
    expect(enclosingDeclaration(code, at(code, 'throw'), 'n')).toBe(code.lastIndexOf('function n') + 'function '.length);
    expect(enclosingDeclaration(code, at(code, 'return 1'), 'n')).toBe('function '.length);
  });

  it('understands assignments, arrows, methods and template literals', () => {
    const arrow = 'var o=(r,e)=>{const s=`${r}}`;throw s},p={m(t){return o(t)}}';
    expect(enclosingDeclaration(arrow, at(arrow, 'throw'), 'o')).toBe(at(arrow, 'o='));
    expect(enclosingDeclaration(arrow, at(arrow, 'return'), 'm')).toBe(at(arrow, 'm('));
    expect(enclosingDeclaration('let x=1;x(2);throw 1', 13, 'x')).toBeNull();
  });

  it('matches brackets around strings, templates and comments', () => {
    const code = '{a("}");/* } */`${{b:1}}`;//}\n}';
    expect(closingBracket(code, 0, code.length)).toBe(code.length - 1);
    expect(closingBracket('{(}', 0, 3)).toBe(-1);
  });

  it('takes the identifier out of V8 function names', () => {
    expect(bareFunctionName('Object.n')).toBe('n');
    expect(bareFunctionName('async t [as handler]')).toBe('t');
    expect(bareFunctionName('HTMLButtonElement.<anonymous>')).toBeNull();
    expect(bareFunctionName(null)).toBeNull();
  });
});

describe('WeightedLru', () => {
  it('evicts least recently used entries to stay under its weight budget', () => {
    const lru = new WeightedLru<string, number>(10);
    lru.set('a', 1, 4);
    lru.set('b', 2, 4);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3, 4);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
    expect(lru.weight).toBe(8);
    lru.set('huge', 4, 11);
    expect(lru.get('huge')).toBeUndefined();
    expect(lru.size).toBe(2);
  });
});
