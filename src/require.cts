/**
 * What `require('tfjs-bnn')` loads (the `require` export condition): tfjs-bnn is an ES module
 * that chooses the backend at import with top-level await, which `require` cannot load
 * (ERR_REQUIRE_ASYNC_MODULE even where Node supports require(esm)). This says what to do instead.
 */

/** Thrown by `require('tfjs-bnn')`: load the package with `import()` instead. */
class RequireEsmError extends Error {
  constructor() {
    super(
      "require('tfjs-bnn'): tfjs-bnn is an ES module that chooses its TensorFlow.js backend when it loads (top-level await), " +
        "so require() cannot load it. From CommonJS use `const bnn = await import('tfjs-bnn');` inside an async function, " +
        'or make your project an ES module ("type": "module" in package.json, or .mjs/.mts files). See docs/install.md.',
    );
    this.name = 'RequireEsmError';
  }
}

throw new RequireEsmError();
