// An eslint-module-utils resolver (interface version 2) for eslint-plugin-boundaries: it maps
// `@order-flow/<pkg>[/<entry>]` to the package's folder and a relative import to its path, so
// every import of another workspace package is classified by the package's `scope:` tag.
// Why not eslint-import-resolver-node: pnpm links only *declared* workspace dependencies, and
// resolves them to `dist/` (or not at all before a build), so an undeclared, forbidden import
// would be "unresolved external" and silently pass. The rule needs the edge the code asks for,
// declared or not, built or not.
'use strict';
const { dirname, join, resolve } = require('node:path');

exports.interfaceVersion = 2;

/**
 * @param {string} source the import specifier
 * @param {string} file the importing file (absolute)
 * @param {{ packages: Record<string, string> }} config package name -> absolute package root
 */
exports.resolve = (source, file, config) => {
  if (source.startsWith('.')) return { found: true, path: resolve(dirname(file), source) };
  const match = /^(@order-flow\/[^/]+)(?:\/.*)?$/.exec(source);
  const root = match ? config.packages[match[1]] : undefined;
  return root ? { found: true, path: join(root, 'package.json') } : { found: false };
};
