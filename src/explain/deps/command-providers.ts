/**
 * Which package provides a command (`tsc` → typescript): the `bin` fields of an npm v2/v3 lock or of
 * yarn berry's lock, else a table of the well-known ones; and whether the project declares that
 * package as a production or a dev dependency (package.json). Pure.
 */
import type { DependencySnapshot, Scope } from './types.js';

export interface CommandProvider {
  command: string;
  package: string;
  /** How the project declares the package (package.json), or the lock's scope. */
  scope: Scope;
  /** Where the link comes from: a lock file's `bin`, or the table of well-known commands. */
  source: string;
  /** The manifest that declares the package (`package.json`), when one does. */
  declaredIn?: string;
  version?: string;
}

const WELL_KNOWN: Record<string, string> = {
  tsc: 'typescript',
  tsserver: 'typescript',
  next: 'next',
  vite: 'vite',
  nest: '@nestjs/cli',
  ng: '@angular/cli',
  nuxt: 'nuxt',
  nuxi: 'nuxi',
  astro: 'astro',
  'svelte-kit': '@sveltejs/kit',
  remix: '@remix-run/dev',
  'react-scripts': 'react-scripts',
  'vue-cli-service': '@vue/cli-service',
  webpack: 'webpack-cli',
  rollup: 'rollup',
  esbuild: 'esbuild',
  parcel: 'parcel',
  babel: '@babel/cli',
  tsx: 'tsx',
  'ts-node': 'ts-node',
  nodemon: 'nodemon',
  jest: 'jest',
  vitest: 'vitest',
  eslint: 'eslint',
  prettier: 'prettier',
  tailwindcss: 'tailwindcss',
  prisma: 'prisma',
  rimraf: 'rimraf',
  'cross-env': 'cross-env',
  concurrently: 'concurrently',
  turbo: 'turbo',
  nx: 'nx',
  gulp: 'gulp-cli',
  grunt: 'grunt-cli',
  pm2: 'pm2',
  sequelize: 'sequelize-cli',
  knex: 'knex',
  'graphql-codegen': '@graphql-codegen/cli',
};

/** The package the well-known command comes from (`tsc` → typescript), if it is one. */
export const wellKnownProvider = (command: string): string | undefined => WELL_KNOWN[command];

/** The provider of each command that one of the snapshots (package.json and the locks beside it) knows. */
export function commandProviders(snapshots: readonly DependencySnapshot[], commands: readonly string[]): Record<string, CommandProvider> {
  const manifest = snapshots.find((s) => s.role === 'manifest');
  const declared = new Map(manifest?.packages.map((p) => [p.name, p]) ?? []);
  const locked = snapshots.filter((s) => s.role === 'lock').flatMap((s) => s.packages.map((p) => ({ p, path: s.path })));
  const out: Record<string, CommandProvider> = {};
  for (const command of new Set(commands)) {
    const fromBin = locked.find(({ p }) => p.bins?.includes(command));
    const name = fromBin?.p.name ?? WELL_KNOWN[command];
    if (name === undefined) continue;
    const declaration = declared.get(name);
    const lockEntry = fromBin?.p ?? locked.find(({ p }) => p.name === name)?.p;
    if (!declaration && !lockEntry) continue; // the project does not depend on it at all
    out[command] = {
      command,
      package: name,
      scope: declaration?.scope ?? lockEntry?.scope ?? 'production',
      source: fromBin ? `${fromBin.path} (bin)` : 'well-known commands',
      ...(declaration && manifest ? { declaredIn: manifest.path } : {}),
      ...(lockEntry ? { version: lockEntry.version } : {}),
    };
  }
  return out;
}
