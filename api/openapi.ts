/** The OpenAPI 3.1 document served at /openapi.json. Kept next to the routes it describes. */
const tier = { type: ['string', 'null'], enum: ['elite', 'high', 'medium', 'low', null] };
const nullableNumber = { type: ['number', 'null'] };

const doraBlocks = {
  deploymentFrequency: {
    type: 'object',
    required: ['deployments', 'failedAttempts', 'perDay', 'tier'],
    properties: { deployments: { type: 'integer' }, failedAttempts: { type: 'integer' }, perDay: { type: 'number' }, tier },
  },
  leadTime: {
    type: 'object',
    required: ['changes', 'p50Seconds', 'p90Seconds', 'tier'],
    properties: { changes: { type: 'integer' }, p50Seconds: nullableNumber, p90Seconds: nullableNumber, tier },
  },
  changeFailureRate: {
    type: 'object',
    required: ['deployments', 'failed', 'rate', 'tier'],
    properties: { deployments: { type: 'integer' }, failed: { type: 'integer' }, rate: nullableNumber, tier },
  },
  recoveryTime: {
    type: 'object',
    required: ['incidents', 'p50Seconds', 'tier'],
    properties: { incidents: { type: 'integer' }, p50Seconds: nullableNumber, tier },
  },
};

const filterParams = [
  { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Window start (inclusive). Default: to − 30 days.' },
  { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Window end (exclusive). Default: now.' },
  { name: 'service', in: 'query', schema: { type: 'string' } },
  { name: 'team', in: 'query', schema: { type: 'string' } },
  { name: 'goldenPath', in: 'query', schema: { type: 'string' } },
  { name: 'environment', in: 'query', schema: { type: 'string', default: 'production' } },
];

const error = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' }, parameter: { type: 'string' } },
};
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const webhookResponses = {
  '200': { description: 'ping answered' },
  '202': { description: 'durable in the event log (or accepted and ignored)' },
  '400': errorResponse('malformed delivery'),
  '401': errorResponse('bad or missing signature or token'),
  '413': errorResponse('body too large'),
  '503': errorResponse('event log unavailable; retry'),
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'DORA metrics and developer-feedback pipeline',
    version: '0.1.0',
    description: 'Webhook ingest and read API. Metric definitions: DESIGN.md §5.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'DORA_API_TOKEN' } },
    schemas: {
      Error: error,
      Dora: {
        type: 'object',
        required: ['from', 'to', ...Object.keys(doraBlocks)],
        properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, ...doraBlocks },
      },
      DoraTrend: {
        type: 'object',
        required: ['from', 'to', 'bucket', 'buckets'],
        properties: {
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          bucket: { type: 'string', enum: ['day', 'week'] },
          buckets: {
            type: 'array',
            items: {
              type: 'object',
              required: ['start', 'end', ...Object.keys(doraBlocks)],
              properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' }, ...doraBlocks },
            },
          },
        },
      },
    },
  },
  paths: {
    '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'serving' } } } },
    '/readyz': { get: { summary: 'Readiness of this role’s dependencies', responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } } } },
    '/webhooks/github': {
      post: {
        summary: 'GitHub webhook (X-Hub-Signature-256, X-GitHub-Event, X-GitHub-Delivery)',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: webhookResponses,
      },
    },
    '/api/v1/dora': {
      get: {
        summary: 'The four keys for a window',
        security: [{ bearer: [] }],
        parameters: filterParams,
        responses: {
          '200': { description: 'metrics', content: { 'application/json': { schema: { $ref: '#/components/schemas/Dora' } } } },
          '400': errorResponse('bad parameter'),
          '401': errorResponse('missing or wrong token'),
        },
      },
    },
    '/api/v1/dora/trend': {
      get: {
        summary: 'The four keys per UTC day or Monday-started week, first and last buckets clipped to the window',
        security: [{ bearer: [] }],
        parameters: [...filterParams, { name: 'bucket', in: 'query', schema: { type: 'string', enum: ['week', 'day'], default: 'week' } }],
        responses: {
          '200': { description: 'metrics per bucket', content: { 'application/json': { schema: { $ref: '#/components/schemas/DoraTrend' } } } },
          '400': errorResponse('bad parameter'),
          '401': errorResponse('missing or wrong token'),
        },
      },
    },
  },
} as const;
