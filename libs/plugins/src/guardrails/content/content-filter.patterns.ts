/** The content filter's categories (`CONTENT_FILTER_CATEGORIES`). */
export const CONTENT_CATEGORIES = [
  'violence',
  'self_harm',
  'sexual',
  'hate',
  'harassment',
  'illegal_activity',
] as const;
export type ContentCategory = (typeof CONTENT_CATEGORIES)[number];

/** A sign of a category and how strongly it alone suggests it (0–1). */
export interface ContentRule {
  readonly id: string;
  readonly category: ContentCategory;
  readonly weight: number;
  readonly pattern: RegExp;
}

const GAP = (n: number): string => `[^.!?\\n]{0,${n}}`;
const GROUPS =
  '(jews|muslims|christians|hindus|blacks|whites|asians|arabs|mexicans|immigrants|refugees|gays|lesbians|trans people|women|men)';
const DRUGS = '(meth|methamphetamine|cocaine|crack|heroin|fentanyl|lsd|mdma)';

const rules = (
  category: ContentCategory,
  list: ReadonlyArray<readonly [string, number, string]>,
): ContentRule[] =>
  list.map(([name, weight, source]) => ({
    id: `${category}:${name}`,
    category,
    weight,
    pattern: new RegExp(source, 'i'),
  }));

export const CONTENT_RULES: readonly ContentRule[] = [
  ...rules('violence', [
    [
      'how_to_kill',
      0.9,
      `\\bhow (to|do i|can i|could i|would i|should i)\\b${GAP(30)}\\b(kill|murder|stab|shoot|strangle|poison|behead)\\b${GAP(20)}\\b(someone|somebody|a person|people|him|her|them|my \\w+)\\b`,
    ],
    [
      'bomb_making',
      0.9,
      `\\b(build|make|assemble|construct)\\b${GAP(20)}\\b(pipe bomb|(?<!\\b(bath|seed|glitter|flavou?r|stink|cherry|photo) )bomb|explosive device|ied|molotov cocktail)s?\\b`,
    ],
    [
      'attack_plan',
      0.8,
      `\\b(plan|planning|carry out|commit)\\b${GAP(30)}\\b(mass shooting|massacre|terrorist attack|school shooting)\\b`,
    ],
    [
      'violent_act',
      0.35,
      `\\b(murder\\w*|stab(bing|bed)?|massacre\\w*|slaughter\\w*|tortur\\w*|behead\\w*)\\b`,
    ],
    ['weapon', 0.2, `\\b(gun|rifle|pistol|knife|machete|grenade)s?\\b`],
    ['gore', 0.3, `\\b(gore|dismember\\w*|mutilat\\w*|disembowel\\w*)\\b`],
  ]),
  ...rules('self_harm', [
    ['self_injury', 0.9, `\\b(kill|hurt|harm|cut|starve) myself\\b`],
    ['intent', 0.9, `\\b(want|going|plan(ning)?) to (die|end it all|end my life)\\b`],
    [
      'method',
      0.9,
      `\\bsuicide (method|methods|note|plan)s?\\b|\\bhow (to|do i|can i) (commit suicide|end my life|overdose)\\b`,
    ],
    ['mention', 0.4, `\\b(suicid\\w*|self[- ]harm\\w*)\\b`],
  ]),
  ...rules('sexual', [
    [
      'minors',
      1,
      `\\b(child|children|minor|minors|underage|kid|kids|preteen)\\b${GAP(30)}\\b(sex|sexual|nude|naked|porn|erotic)\\w*`,
    ],
    [
      'explicit',
      0.8,
      `\\b(explicit|graphic) (sex|sexual)\\w*\\b|\\berotic (story|stories|roleplay|role-play)\\b`,
    ],
    ['porn', 0.6, `\\bporn\\w*\\b`],
    ['nudes', 0.6, `\\b(nude|naked) (photo|pic|image|video)s?\\b`],
    ['acts', 0.6, `\\b(sexual intercourse|oral sex|masturbat\\w*)\\b`],
    ['mention', 0.3, `\\b(sexy|nsfw|xxx)\\b`],
  ]),
  ...rules('hate', [
    [
      'eliminationist',
      0.9,
      `\\b(all|those|these|every|the) ${GROUPS}\\b${GAP(30)}\\b(should|must|deserve to|need to|ought to) (die|be (killed|exterminated|eradicated|wiped out|gassed))\\b`,
    ],
    [
      'genocide',
      0.8,
      `\\b(exterminate|eradicate|wipe out|genocide (of|against))\\b${GAP(20)}\\b${GROUPS}\\b`,
    ],
    [
      'dehumanising',
      0.6,
      `\\b(inferior|subhuman|vermin|filthy) (race|races|people|animals)\\b|\\b(racial|ethnic) (cleansing|purity)\\b`,
    ],
    ['supremacy', 0.5, `\\b(white|racial|aryan) (supremacy|supremacist)\\b|\\bheil hitler\\b`],
  ]),
  ...rules('harassment', [
    [
      'threat',
      0.8,
      `\\b(i will|i'll|i'm going to|im going to|gonna|we will)\\b${GAP(20)}\\b(kill|hurt|find|destroy|rape)\\b${GAP(10)}\\byou\\b`,
    ],
    [
      'degrading',
      0.5,
      `\\b(you are|you're|ur) (worthless|pathetic|disgusting|a waste of (space|air|oxygen))\\b`,
    ],
    ['insult', 0.3, `\\b(idiot|moron|loser|imbecile)s?\\b`],
  ]),
  ...rules('illegal_activity', [
    [
      'drug_synthesis',
      0.9,
      `\\bhow (to|do i|can i|could i)\\b${GAP(20)}\\b(make|cook|synthesi[sz]e|produce|manufacture)\\b${GAP(20)}\\b${DRUGS}\\b`,
    ],
    ['money_laundering', 0.8, `\\b(launder|laundering) (money|cash|funds|proceeds)\\b`],
    [
      'forgery',
      0.8,
      `\\b(buy|sell|get|make)\\b${GAP(20)}\\b(stolen|fake|forged|counterfeit) (credit cards?|passports?|ids?|identity documents|money|bills|currency)\\b`,
    ],
    [
      'intrusion',
      0.8,
      `\\b(hack|break) into\\b${GAP(30)}\\b(someone's|somebody's|my (ex|neighbou?r|boss)'s|an?|the)\\b${GAP(20)}\\b(account|email|phone|bank|network|server|computer)s?\\b`,
    ],
    ['trafficking', 0.4, `\\b(drug deal\\w*|smuggl\\w*|ransomware|phishing kit)\\b`],
  ]),
];
