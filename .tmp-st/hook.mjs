import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(`let n=0; export async function load(url, ctx, next){ n++; globalThis.__n=n; return next(url, ctx); }`));
