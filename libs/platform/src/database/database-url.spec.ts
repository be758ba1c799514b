import { databaseName, describeDatabase, withDatabase } from './database-url';

describe('database URLs', () => {
  const url = 'postgresql://app:s3cret@db.internal:6543/jsjb_intake?sslmode=require';

  it('reads and replaces the database name', () => {
    expect(databaseName(url)).toBe('jsjb_intake');
    expect(withDatabase(url, 'postgres')).toBe(
      'postgresql://app:s3cret@db.internal:6543/postgres?sslmode=require',
    );
  });

  it('describes a database without its credentials', () => {
    expect(describeDatabase(url)).toBe('db.internal:6543/jsjb_intake');
    expect(describeDatabase('postgresql://localhost/x')).toBe('localhost:5432/x');
  });
});
