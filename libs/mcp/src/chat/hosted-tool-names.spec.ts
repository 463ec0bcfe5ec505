import { FUNCTION_NAME_PATTERN, functionNames, type NamedTool } from './hosted-tool-names';

function tool(serverId: string, name: string): NamedTool {
  return { serverId, name, qualifiedName: `${serverId}.${name}` };
}

describe(functionNames.name, () => {
  it('names a tool serverId__tool when that maps back to one tool', () => {
    const names = functionNames([tool('github', 'create_issue'), tool('wiki-2', 'search-pages')]);
    expect([...names]).toEqual([
      ['github__create_issue', 'github.create_issue'],
      ['wiki-2__search-pages', 'wiki-2.search-pages'],
    ]);
  });

  it('hashes names with unsafe characters, so two spellings never meet', () => {
    const names = functionNames([
      tool('srv', 'get.item'),
      tool('srv', 'get item'),
      tool('srv', 'get_item'),
    ]);
    const keys = [...names.keys()];
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toMatch(/^srv__get_item_[0-9a-f]{8}$/);
    expect(keys[1]).toMatch(/^srv__get_item_[0-9a-f]{8}$/);
    expect(keys[2]).toBe('srv__get_item');
    expect([...names.values()]).toEqual(['srv.get.item', 'srv.get item', 'srv.get_item']);
  });

  it('hashes server ids that would make serverId__tool ambiguous', () => {
    const names = functionNames([tool('a__b', 'c'), tool('a', 'b__c'), tool('a_', '_c')]);
    const keys = [...names.keys()];
    expect(keys[1]).toBe('a__b__c');
    expect(keys[0]).toMatch(/^a__b__c_[0-9a-f]{8}$/);
    expect(keys[2]).toMatch(/^a____c_[0-9a-f]{8}$/);
    expect(new Set(keys).size).toBe(3);
  });

  it('shortens names over 64 characters and keeps them unique', () => {
    const long = 'x'.repeat(80);
    const names = functionNames([tool('srv', long), tool('srv', `${long}y`)]);
    for (const name of names.keys()) expect(name).toMatch(FUNCTION_NAME_PATTERN);
    expect(names.size).toBe(2);
  });

  it('gives a tool the same name whatever else is in the set', () => {
    const alone = functionNames([tool('srv', 'get.item')]);
    const together = functionNames([tool('srv', 'other'), tool('srv', 'get.item')]);
    expect([...alone.keys()][0]).toBe([...together.keys()][1]);
  });

  it('only ever produces provider-safe names', () => {
    const names = functionNames([
      tool('s', 'ünïcode/täl'),
      tool('s', ''),
      tool('s', '🙂'.repeat(40)),
    ]);
    for (const name of names.keys()) expect(name).toMatch(FUNCTION_NAME_PATTERN);
  });
});
