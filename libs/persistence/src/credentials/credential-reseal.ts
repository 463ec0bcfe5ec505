import type { DataSource } from 'typeorm';
import { CredentialCipher, CredentialCipherError } from './credential-cipher';
import {
  type SecretMapColumn,
  type StoredCredentialRow,
  type StoredCredentialUpdate,
  StoredCredentialsRepository,
} from './stored-credentials.repository';

/** Rows whose credentials were sealed, per table. */
export interface CredentialSealCount {
  readonly mcpServers: number;
  readonly a2aAgents: number;
}

/** What `rekeyCredentials` changed (or, in a dry run, would change). */
export interface CredentialRekeySummary {
  /** MCP server and A2A agent rows rewritten. */
  readonly rows: number;
  /** Values sealed under the old secret, now under the new one. */
  readonly resealed: number;
  /** Values stored in plain text (before encryption), now sealed under the new secret. */
  readonly sealedPlaintext: number;
  /** Values already sealed under the new secret (an earlier run), left as they are. */
  readonly alreadyCurrent: number;
}

/** Stored credentials the old secret does not open: nothing was changed. Names rows, never values. */
export class CredentialRekeyError extends Error {
  constructor(readonly fields: readonly string[]) {
    super(
      `${fields.length} stored credential(s) open under neither the old nor the new secret, so ` +
        `nothing was changed: ${fields.join(', ')}`,
    );
    this.name = 'CredentialRekeyError';
  }
}

/** Where a stored value is, for messages: `MCP server 'tickets' static_headers['X-Key']`. */
type FieldName = (field: string) => string;

interface RewriteRules {
  /** The value to store instead of `stored` (`stored` itself to leave it). Never given ''. */
  readonly value: (stored: string, where: string) => string;
  /** A JSON column whose text is not an object of strings. */
  readonly unreadable: (where: string) => void;
}

interface PlannedRow {
  readonly row: StoredCredentialRow;
  readonly update: StoredCredentialUpdate;
}

/**
 * Seals every MCP server and A2A agent credential still stored in plain text (rows written before
 * encryption), in one transaction; sealed and empty values are left as they are, so a second run
 * changes nothing. Each row is rewritten only if its credentials are still as read, so replicas
 * running this together never overwrite each other, and nothing else of the row changes:
 * `updated_at` and `updated_by` keep recording the last change an admin made.
 */
export async function sealPlaintextCredentials(
  dataSource: DataSource,
  cipher: CredentialCipher,
): Promise<CredentialSealCount> {
  const rules: RewriteRules = {
    value: (stored) => (CredentialCipher.isSealed(stored) ? stored : cipher.seal(stored)),
    // The store reports such a row when it reads it; the boot goes on.
    unreadable: () => undefined,
  };
  // Nearly every boot finds nothing to seal: look before taking the write lock.
  const pending = plan(await new StoredCredentialsRepository(dataSource.manager).rows(), rules);
  if (pending.length === 0) return { mcpServers: 0, a2aAgents: 0 };
  return dataSource.transaction(async (manager) => {
    const repository = new StoredCredentialsRepository(manager);
    await repository.lockForRewrite();
    let mcpServers = 0;
    let a2aAgents = 0;
    for (const { row, update } of plan(await repository.rows(), rules)) {
      // A row changed meanwhile was written by a store, which seals what it writes.
      if (!(await repository.replace(row, update))) continue;
      if (row.owner === 'MCP server') mcpServers++;
      else a2aAgents++;
    }
    return { mcpServers, a2aAgents };
  });
}

/**
 * Re-seals every stored MCP server and A2A agent credential from `from` (the old secret) to `to`
 * (the new one), in one transaction that holds off other writers: values in plain text are sealed
 * under `to`, values `to` already opens (an earlier run) are left. If any value opens under
 * neither, nothing is written. `dryRun` checks and counts without writing. Only the credential
 * columns change (`updated_at` included, as for `sealPlaintextCredentials`).
 * @throws CredentialRekeyError naming every value that opens under neither secret.
 */
export async function rekeyCredentials(
  dataSource: DataSource,
  from: CredentialCipher,
  to: CredentialCipher,
  options: { readonly dryRun: boolean },
): Promise<CredentialRekeySummary> {
  return dataSource.transaction(async (manager) => {
    const repository = new StoredCredentialsRepository(manager);
    await repository.lockForRewrite();
    const tally = { resealed: 0, sealedPlaintext: 0, alreadyCurrent: 0 };
    const failed: string[] = [];
    const rules: RewriteRules = {
      value: (stored, where) => {
        if (!CredentialCipher.isSealed(stored)) {
          tally.sealedPlaintext++;
          return to.seal(stored);
        }
        const opened = openWith(from, stored);
        if (opened !== undefined) {
          tally.resealed++;
          return to.seal(opened);
        }
        if (openWith(to, stored) !== undefined) tally.alreadyCurrent++;
        else failed.push(where);
        return stored;
      },
      unreadable: (where) => failed.push(`${where} (not a JSON object of strings)`),
    };
    const planned = plan(await repository.rows(), rules);
    if (failed.length > 0) throw new CredentialRekeyError(failed);
    if (!options.dryRun) {
      for (const { row, update } of planned) {
        // Other writers are locked out, so this is a safeguard: fail (roll back) rather than
        // overwrite a credential written since it was read.
        if (!(await repository.replace(row, update))) {
          throw new Error(`${row.owner} '${row.id}' changed while re-keying: nothing was changed`);
        }
      }
    }
    return { rows: planned.length, ...tally };
  });
}

function openWith(cipher: CredentialCipher, stored: string): string | undefined {
  try {
    return cipher.open(stored);
  } catch (error) {
    if (error instanceof CredentialCipherError) return undefined;
    throw error;
  }
}

/** The rows `rules` changes, with their new values. */
function plan(rows: readonly StoredCredentialRow[], rules: RewriteRules): PlannedRow[] {
  const planned: PlannedRow[] = [];
  for (const row of rows) {
    const name: FieldName = (field) => `${row.owner} '${row.id}' ${field}`;
    let changed = false;
    let authValue = row.authValue;
    if (authValue !== null && authValue !== '') {
      authValue = rules.value(authValue, name('auth_value'));
      changed = authValue !== row.authValue;
    }
    const maps: Partial<Record<SecretMapColumn, Record<string, string>>> = {};
    for (const [column, values] of Object.entries(row.maps) as [
      SecretMapColumn,
      Record<string, string> | null,
    ][]) {
      if (values === null) {
        rules.unreadable(name(column));
        continue;
      }
      const next = rewriteMap(values, rules, (key) => name(`${column}['${key}']`));
      if (next) maps[column] = next;
    }
    if (changed || Object.keys(maps).length > 0) planned.push({ row, update: { authValue, maps } });
  }
  return planned;
}

/** The map with its values rewritten, or undefined when none changes. */
function rewriteMap(
  values: Readonly<Record<string, string>>,
  rules: RewriteRules,
  name: FieldName,
): Record<string, string> | undefined {
  let changed = false;
  const next: Record<string, string> = {};
  for (const [key, stored] of Object.entries(values)) {
    next[key] = stored === '' ? stored : rules.value(stored, name(key));
    changed ||= next[key] !== stored;
  }
  return changed ? next : undefined;
}
