/** Where this replica's YAML config comes from, for `GET /config/sync/status`. */
export type ConfigSourceView =
  | { readonly source: 'file'; readonly path: string }
  | {
      readonly source: 's3';
      readonly path: string;
      readonly bucket: string;
      readonly key: string;
      /** Whether the leader polls for changes (`CONFIG_HOT_RELOAD`). */
      readonly hotReload: boolean;
      /** The ETag of the object this replica runs, without quotes; null before the first sync. */
      readonly etag: string | null;
      /** The last successful check (304 included) or download by this replica. */
      readonly lastSyncAt: Date | null;
      /** The last failed download or rejected object, cleared by the next good sync. */
      readonly lastError: string | null;
    };

/** Port read by the HA status endpoint: this replica's config source and its sync state. */
export abstract class ConfigSourceStatus {
  abstract view(): ConfigSourceView;
}
