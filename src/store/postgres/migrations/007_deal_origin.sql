-- rex schema 7 (PostgreSQL), as SQLite's schema 10: where an imported deal came from
-- (`hubspot:123`) is kept in a column of its own, `origin`, instead of `metadata.source`,
-- which any column of a file named Source could take. The unique index makes a second import
-- of the same export wait for the first (an import of new records holds no write lock) and
-- then conflict. Deals imported before keep their `metadata.source`; where it has the form
-- rex wrote (profile:id), it is copied to `origin`, for the oldest deal of each value.
ALTER TABLE deals ADD COLUMN origin text COLLATE "C";
UPDATE deals d SET origin = o.source
FROM (SELECT min(id) AS id, metadata::jsonb ->> 'source' AS source FROM deals
      WHERE jsonb_typeof(metadata::jsonb -> 'source') = 'string'
        AND (metadata::jsonb ->> 'source') ~ '^(pipedrive|hubspot|salesforce|salesforce-loader|twenty):.'
      GROUP BY 2) o
WHERE d.id = o.id;
CREATE UNIQUE INDEX deals_origin ON deals (origin) WHERE origin IS NOT NULL;
