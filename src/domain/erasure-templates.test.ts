import { describe, expect, it } from 'vitest';
import { escapePathGlob, escapeRedisGlob, fillTemplate, redisGlobRegExp, templateIdentities, wildTemplate } from './erasure-templates.ts';
import { checkDataMap, checkFileEntry, checkKeyEntry, storeSchema } from './erasure-datamap.ts';
import { keyShape, pathShape } from './datamap-draft-items.ts';

describe('key patterns and path templates', () => {
  it('names identities in snake_case or camelCase, and nothing else', () => {
    expect(templateIdentities('cart:{user_id}:{subjectId}')).toEqual({ identities: ['user_id', 'subject_id'], unknown: [] });
    expect(templateIdentities('cart:{buyer}')).toEqual({ identities: [], unknown: ['buyer'] });
  });

  it('fills placeholders escaped for the pattern language, so an id never widens the match', () => {
    const value = () => 'u_a*b?[c]';
    expect(fillTemplate('cart:{userId}', value, escapeRedisGlob)).toBe('cart:u_a\\*b\\?\\[c\\]');
    expect(redisGlobRegExp(fillTemplate('cart:{userId}', value, escapeRedisGlob)).test('cart:u_a*b?[c]')).toBe(true);
    expect(redisGlobRegExp(fillTemplate('cart:{userId}', value, escapeRedisGlob)).test('cart:u_aXb?[c]')).toBe(false);
    expect(fillTemplate('avatars/{user_id}/*', () => 'u_{x}', escapePathGlob)).toBe('avatars/u_\\{x\\}/*');
    expect(wildTemplate('recent:{user_id}:*')).toBe('recent:*:*');
  });

  it('matches like Redis MATCH: * across colons, ? one character, classes', () => {
    expect(redisGlobRegExp('session:*').test('session:a:b')).toBe(true);
    expect(redisGlobRegExp('s?ss').test('sess')).toBe(true);
    expect(redisGlobRegExp('item[0-9]').test('item7')).toBe(true);
    expect(redisGlobRegExp('item[0-9]').test('itemx')).toBe(false);
    expect(redisGlobRegExp('a.b').test('axb')).toBe(false);
  });

  it('refuses entries that would erase everyone, or do not fit the type', () => {
    expect(checkKeyEntry('k', { pattern: 'session:*', action: 'delete_key' })).toEqual([expect.stringContaining("would delete everyone's keys")]);
    expect(checkKeyEntry('k', { pattern: 'session:*', type: 'hash', action: 'delete_key', where: { field: 'buyer_id', identity: 'user_id' } })).toEqual([]);
    expect(checkKeyEntry('k', { pattern: 'recent', type: 'zset', action: 'remove_members', member: 'static' })).toEqual([expect.stringContaining('member template')]);
    expect(checkKeyEntry('k', { pattern: 'events', type: 'hash', action: 'delete_entries' })).toHaveLength(2);
    expect(checkKeyEntry('k', { pattern: 'cart:{buyer}', action: 'delete_key' })[0]).toContain('{buyer} is not an identity');
    expect(checkFileEntry('f', { path: 'avatars/*', action: 'delete' })).toEqual([expect.stringContaining("would delete everyone's files")]);
    expect(storeSchema.safeParse({ store: 'files', database: { config: 'files' }, files: { a: { path: '../etc/*', action: 'delete' } } }).success).toBe(false);
  });

  it('a store holds one kind of thing', () => {
    const store = storeSchema.parse({ store: 'mixed', database: { config: 'x' }, tables: { 'a.b': { rows: 'none', columns: { c: 'non_personal' } } }, keys: { k: { pattern: 'k', action: 'non_personal' } } });
    expect(checkDataMap({ stores: [store] })).toEqual([expect.stringContaining('use one per store')]);
  });

  it('shapes keys and paths without their ids', () => {
    expect(keyShape('cart:usr_9fQ2xYzAbCdEfGhIjKlMnO')).toBe('cart:*');
    expect(keyShape('stats:visits')).toBe('stats:visits');
    expect(pathShape('avatars/usr_9fQ2xYzAbCdEfGhIjKlMnO/avatar.png')).toBe('avatars/*/avatar.png');
    expect(pathShape('invoices/2025/u_1-INV-0001.txt')).toBe('invoices/*/*.txt');
  });
});
