export * from './log';
export * from './client';
