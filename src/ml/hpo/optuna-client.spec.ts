import { optunaStorageUrl } from './optuna-client';

describe('optunaStorageUrl', () => {
  it('is DATABASE_URL for SQLAlchemy and psycopg2, with Optuna\'s tables in schema optuna', () => {
    expect(optunaStorageUrl('postgres://hub:s%40cret@db:5432/hub?sslmode=require')).toBe('postgresql+psycopg2://hub:s%40cret@db:5432/hub?sslmode=require&options=-csearch_path%3Doptuna');
    expect(optunaStorageUrl('postgresql://postgres@127.0.0.1:5432/mcp_hub')).toBe('postgresql+psycopg2://postgres@127.0.0.1:5432/mcp_hub?options=-csearch_path%3Doptuna');
  });
});
