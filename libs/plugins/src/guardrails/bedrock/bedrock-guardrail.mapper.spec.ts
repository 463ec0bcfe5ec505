import { applyGuardrailRequest, bedrockDecision } from './bedrock-guardrail.mapper';

describe('applyGuardrailRequest', () => {
  it('sends each text as one content block', () => {
    expect(applyGuardrailRequest('INPUT', ['a', 'b'])).toEqual({
      source: 'INPUT',
      content: [{ text: { text: 'a' } }, { text: { text: 'b' } }],
    });
  });
});

describe('bedrockDecision', () => {
  it('passes when the guardrail did not intervene', () => {
    expect(bedrockDecision({ action: 'NONE', outputs: [], assessments: [{}] }, ['hi'])).toEqual({
      kind: 'pass',
    });
  });

  it('blocks with every blocking policy as a category, never the matched text', () => {
    const decision = bedrockDecision(
      {
        action: 'GUARDRAIL_INTERVENED',
        outputs: [{ text: 'Sorry, I cannot answer that.' }],
        assessments: [
          {
            topicPolicy: {
              topics: [{ name: 'Investment Advice', type: 'DENY', action: 'BLOCKED' }],
            },
            contentPolicy: {
              filters: [
                { type: 'VIOLENCE', confidence: 'HIGH', filterStrength: 'HIGH', action: 'BLOCKED' },
                { type: 'INSULTS', confidence: 'LOW', action: 'NONE' },
              ],
            },
            wordPolicy: {
              customWords: [{ match: 'secret-project', action: 'BLOCKED' }],
              managedWordLists: [{ match: 'darn', type: 'PROFANITY', action: 'BLOCKED' }],
            },
            sensitiveInformationPolicy: {
              piiEntities: [{ match: 'a@b.io', type: 'EMAIL', action: 'ANONYMIZED' }],
              regexes: [{ name: 'Account Id', match: 'AC-1', regex: 'AC-\\d', action: 'BLOCKED' }],
            },
          },
        ],
      },
      ['text'],
    );
    expect(decision).toEqual({
      kind: 'block',
      categories: [
        'content:violence',
        'sensitive_information:account_id',
        'topic:investment_advice',
        'word:custom',
        'word:profanity',
      ],
    });
    expect(JSON.stringify(decision)).not.toMatch(/secret-project|darn|a@b\.io|AC-1/);
  });

  it('masks with the outputs when every intervention is an anonymisation', () => {
    const response = {
      action: 'GUARDRAIL_INTERVENED',
      outputs: [{ text: 'mail {EMAIL}' }, { text: 'call {PHONE}' }],
      assessments: [
        {
          sensitiveInformationPolicy: {
            piiEntities: [
              { match: 'a@b.io', type: 'EMAIL', action: 'ANONYMIZED' },
              { match: '555-0100', type: 'PHONE', action: 'ANONYMIZED' },
            ],
          },
        },
      ],
    };
    expect(bedrockDecision(response, ['mail a@b.io', 'call 555-0100'])).toEqual({
      kind: 'mask',
      categories: ['sensitive_information:email', 'sensitive_information:phone'],
      texts: ['mail {EMAIL}', 'call {PHONE}'],
    });
    expect(bedrockDecision(response, ['one', 'two', 'three'])).toEqual({
      kind: 'mask_unmapped',
      categories: ['sensitive_information:email', 'sensitive_information:phone'],
    });
    expect(bedrockDecision(response, ['mail a@b.io call 555-0100'])).toMatchObject({
      kind: 'mask',
      texts: ['mail {EMAIL}call {PHONE}'],
    });
  });

  it('fails closed on an intervention it cannot explain', () => {
    expect(bedrockDecision({ action: 'GUARDRAIL_INTERVENED', assessments: [] }, ['x'])).toEqual({
      kind: 'block',
      categories: ['guardrail_intervened'],
    });
    expect(
      bedrockDecision({ action: 'GUARDRAIL_INTERVENED', assessments: [{ future: {} }] }, ['x']),
    ).toEqual({ kind: 'block', categories: ['guardrail_intervened'] });
  });

  it('reads contextual grounding filters', () => {
    const decision = bedrockDecision(
      {
        action: 'GUARDRAIL_INTERVENED',
        assessments: [
          {
            contextualGroundingPolicy: {
              filters: [{ type: 'GROUNDING', threshold: 0.8, score: 0.2, action: 'BLOCKED' }],
            },
          },
        ],
      },
      ['x'],
    );
    expect(decision).toEqual({ kind: 'block', categories: ['contextual_grounding:grounding'] });
  });
});
