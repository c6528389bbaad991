export * from '../domain/platform-port';
