import { governanceDraftOf, keyBody, teamBody, type KeyDraft } from './governance-form';

const blank: KeyDraft = { ...governanceDraftOf(), alias: '', teamId: '', expiresIn: '' };

describe(keyBody.name, () => {
  it('leaves empty fields out of a new key', () => {
    expect(keyBody({ ...blank, alias: 'ci-bot', rpmLimit: '60', models: 'demo, gpt-4o' })).toEqual({
      body: { key_alias: 'ci-bot', rpm_limit: 60, models: ['demo', 'gpt-4o'] },
      errors: null,
    });
  });

  it('sends nulls on update so cleared limits are cleared, and keeps the expiry unless given', () => {
    const draft = {
      ...blank,
      ...governanceDraftOf({ max_budget: 5, models: ['demo'] }),
      maxBudget: '',
    };
    expect(keyBody(draft, { token: 'abc' })).toEqual({
      body: {
        key: 'abc',
        key_alias: null,
        team_id: null,
        models: ['demo'],
        max_budget: null,
        budget_duration: null,
        rpm_limit: null,
        tpm_limit: null,
      },
      errors: null,
    });
    expect(keyBody({ ...blank, expiresIn: '30d' }, { token: 'abc' }).body).toMatchObject({
      duration: '30d',
    });
  });

  it('names every bad field', () => {
    const result = keyBody({ ...blank, rpmLimit: '1.5', budgetDuration: 'forever', teamId: 'a b' });
    expect(result.body).toBeNull();
    expect(result.errors).toEqual({
      rpm_limit: 'Enter a whole number',
      budget_duration: 'Use a duration like 30s, 10m, 12h, 7d, 1mo, daily, weekly or monthly',
      team_id: 'Use only letters, digits and . _ : @ + - /',
    });
  });
});

describe(teamBody.name, () => {
  it('builds new and update bodies', () => {
    const draft = {
      ...governanceDraftOf(),
      teamId: 'ml',
      alias: 'ML',
      maxBudget: '100',
      budgetDuration: 'monthly',
    };
    expect(teamBody(draft).body).toEqual({
      team_id: 'ml',
      team_alias: 'ML',
      max_budget: 100,
      budget_duration: 'monthly',
    });
    expect(teamBody({ ...draft, maxBudget: '' }, { team_id: 'ml' }).body).toMatchObject({
      team_id: 'ml',
      max_budget: null,
    });
  });
});

describe(governanceDraftOf.name, () => {
  it('prints existing limits back into the form', () => {
    expect(
      governanceDraftOf({
        models: ['a', 'b'],
        max_budget: 2.5,
        budget_duration: '7d',
        rpm_limit: null,
      }),
    ).toEqual({
      models: 'a, b',
      maxBudget: '2.5',
      budgetDuration: '7d',
      rpmLimit: '',
      tpmLimit: '',
    });
  });
});
