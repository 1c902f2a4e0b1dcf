/** The DuckDB adapter against the Store contract, each test on a fresh in-memory database. */
import { DuckDbStore } from '../adapters/duckdb/duckdb-store.js';
import { storeContract } from './contract/store.contract.js';

storeContract('DuckDB', () => DuckDbStore.open(':memory:'));
