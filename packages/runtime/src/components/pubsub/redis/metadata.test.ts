/** pubsub.redis metadata decoding: Dapr's defaults, overrides, and errors naming the component and field. */
import { MetadataError } from '../../errors';
import { parseRedisPubSubMetadata } from './metadata';

describe('pubsub.redis metadata', () => {
  it('applies Dapr\'s defaults and the app id as consumer group', () => {
    expect(parseRedisPubSubMetadata({ redisHost: 'h:1' }, 'orders')).toMatchObject({
      consumerID: 'orders',
      processingTimeoutMs: 15000,
      redeliverIntervalMs: 60000,
      queueDepth: 100,
      concurrency: 10,
      maxLenApprox: 0,
      streamTTLMs: 0,
      connection: { host: 'h', port: 1, address: 'h:1', db: 0 },
    });
    const cfg = parseRedisPubSubMetadata(
      { redisHost: 'h:1', consumerID: 'g', processingTimeout: '1s', redeliverInterval: '500ms', queueDepth: '5', concurrency: '2', maxLenApprox: '1000', streamTTL: '1h', redisPassword: 'pw' },
      'app',
    );
    expect(cfg).toMatchObject({ consumerID: 'g', processingTimeoutMs: 1000, redeliverIntervalMs: 500, queueDepth: 5, concurrency: 2, maxLenApprox: 1000, streamTTLMs: 3600000 });
    expect(cfg.connection.password).toBe('pw');
    expect(parseRedisPubSubMetadata({ redisHost: 'h:1', redeliverInterval: '0' }, 'app').redeliverIntervalMs).toBe(0);
  });

  it('names the component and field of a bad value', () => {
    expect(() => parseRedisPubSubMetadata({}, 'app')).toThrow('component pubsub.redis: metadata field "redisHost" is required');
    expect(() => parseRedisPubSubMetadata({ redisHost: 'h:1', queueDepth: '0' }, 'app')).toThrow(/"queueDepth" must be a whole number of at least 1/);
    expect(() => parseRedisPubSubMetadata({ redisHost: 'h:1', concurrency: 'many' }, 'app')).toThrow(/"concurrency" must be a number/);
    expect(() => parseRedisPubSubMetadata({ redisHost: 'h:1', maxLenApprox: '-3' }, 'app')).toThrow(/"maxLenApprox" must be a whole number/);
    expect(() => parseRedisPubSubMetadata({ redisHost: 'h:1', processingTimeout: 'soon' }, 'app')).toThrow(/"processingTimeout" must be a duration/);
    expect(() => parseRedisPubSubMetadata({ redisHost: 'h:1', redisType: 'cluster' }, 'app')).toThrow(/"redisType" is "cluster": Redis Cluster is not supported by this pub\/sub component/);
    expect(() => parseRedisPubSubMetadata({ redisHost: 'h:1' }, '')).toThrow(MetadataError);
  });
});
