/**
 * Addresses of the real Kafka broker and ClickHouse server that scripts/test.sh starts
 * (scripts/services.sh). Tests never skip when they are missing: they fail, naming what is missing.
 */
export interface TestServices {
  kafkaBrokers: string[];
  clickhouseUrl: string;
  clickhouseUser: string;
  clickhousePassword: string;
}

export function testServices(): TestServices {
  const env = process.env;
  const missing = ['KAFKA_BROKERS', 'CLICKHOUSE_URL'].filter((n) => !env[n]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} not set: run the tests with \`npm test\` (scripts/test.sh starts Kafka and ClickHouse), ` +
        'or start them with `scripts/services.sh up` and `source .services/env`.',
    );
  }
  return {
    kafkaBrokers: env.KAFKA_BROKERS!.split(','),
    clickhouseUrl: env.CLICKHOUSE_URL!,
    clickhouseUser: env.CLICKHOUSE_USER ?? 'default',
    clickhousePassword: env.CLICKHOUSE_PASSWORD ?? '',
  };
}
