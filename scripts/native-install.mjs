#!/usr/bin/env node
// Opt-in installer for the native TensorFlow backend (@tensorflow/tfjs-node)
// that needs nothing but package registries: npm for @tensorflow/tfjs-node,
// PyPI for the TensorFlow C library (taken out of the `tensorflow-cpu` wheel).
//
//   node scripts/native-install.mjs              install (idempotent) + verify
//   node scripts/native-install.mjs --check      only report whether it loads
//   node scripts/native-install.mjs --bench      install/verify, then time cpu vs tensorflow
//   options: --tf-version X   TensorFlow wheel version (default below)
//            --wheel PATH     use a wheel file already on disk (no download)
//            --force          redo extraction and compilation
//            --full-headers   unpack every header of the wheel (normally a small subset)
//            --best-effort    on failure print one line and exit 0 (used by `npm start`, so the
//                             main job runs on the cpu backend where the native one cannot be built)
//
// Node built-ins only. Spawns: npm, python3 -m pip (or pip3/pip), node-gyp.
// Never part of a required install step; see docs/native-backend.md.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const DEFAULT_TF_VERSION = '2.21.0';
const FALLBACK_TFJS_VERSION = '4.22.0';

// The project whose node_modules gets the backend: the current directory when it has
// @tensorflow/tfjs installed (`npm run` starts scripts in the package root; a project using
// tfjs-bnn as a dependency can run node node_modules/tfjs-bnn/scripts/native-install.mjs), else
// the package this script belongs to.
const HAS_TFJS = (d) => fs.existsSync(path.join(d, 'node_modules', '@tensorflow', 'tfjs', 'package.json'));
const ROOT = HAS_TFJS(process.cwd()) ? process.cwd() : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = path.join(ROOT, '.native');
const TFJS_NODE_DIR = path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-node');

// ---------------------------------------------------------------- helpers
class Fail extends Error {}
const fail = (msg) => {
  throw new Fail(msg);
};
const log = (msg) => console.log(`[native] ${msg}`);
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

function parseArgs(argv) {
  const o = { check: false, bench: false, force: false, fullHeaders: false, bestEffort: false, tfVersion: null, wheel: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--check') o.check = true;
    else if (a === '--bench') o.bench = true;
    else if (a === '--force') o.force = true;
    else if (a === '--full-headers') o.fullHeaders = true;
    else if (a === '--best-effort') o.bestEffort = true;
    else if (a === '--tf-version' || a.startsWith('--tf-version=')) o.tfVersion = val();
    else if (a === '--wheel' || a.startsWith('--wheel=')) o.wheel = path.resolve(val());
    else if (a === '-h' || a === '--help') {
      console.log(
        'usage: node scripts/native-install.mjs [--check] [--bench] [--tf-version X] [--wheel PATH] [--force] [--full-headers] [--best-effort]',
      );
      process.exit(0);
    } else fail(`unknown option ${a} (try --help)`);
  }
  return o;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { ok: !r.error && r.status === 0, status: r.status, error: r.error, out: (r.stdout || '') + (r.stderr || '') };
}

function lastLine(text) {
  const lines = String(text)
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  const err = lines.filter((l) => /error|not found|no matching|fatal|cannot|could not/i.test(l)).pop();
  return (err || lines.pop() || '').slice(0, 300);
}

function readJson(p) {
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

function cmpVersion(a, b) {
  const pa = a.split('.').map(Number),
    pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d) return d;
  }
  return 0;
}

// A child Node process runs anything that loads the addon, so a crash in native
// code cannot take this script down with it.
function nodeEval(code, env = {}) {
  return run(process.execPath, ['--input-type=module', '-e', code], {
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

// ---------------------------------------------------------------- --check
const CHECK_CODE = `
const tfn = await import('@tensorflow/tfjs-node');
const tf = await import('@tensorflow/tfjs');
let tfVersion = '?';
try { tfVersion = tfn.backend().binding.TF_Version; } catch {}
const shared = tf.getBackend() === 'tensorflow';
console.log(JSON.stringify({ backend: tfn.getBackend(), tfjsBackend: tf.getBackend(), shared,
  tfjsNode: tfn.version['tfjs-node'], tfjs: tf.version.tfjs, tensorflow: tfVersion }));
`;

function checkLoads() {
  if (!fs.existsSync(path.join(TFJS_NODE_DIR, 'package.json')))
    return { ok: false, why: '@tensorflow/tfjs-node is not installed in node_modules' };
  const r = nodeEval(CHECK_CODE);
  if (!r.ok) return { ok: false, why: lastLine(r.out) || `exit ${r.status}` };
  const line = r.out.split('\n').find((l) => l.startsWith('{'));
  if (!line) return { ok: false, why: lastLine(r.out) };
  const info = JSON.parse(line);
  if (info.backend !== 'tensorflow') return { ok: false, why: `backend is '${info.backend}', not 'tensorflow'`, info };
  return { ok: true, info };
}

// ---------------------------------------------------------------- platform
function checkPlatform() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(
      `only linux x64 is handled (this is ${process.platform} ${process.arch}); elsewhere use 'npm install @tensorflow/tfjs-node' online`,
    );
  }
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
  if (!glibc) fail('glibc not detected (musl/Alpine?): the TensorFlow wheels need glibc');
  return glibc;
}

// ---------------------------------------------------------------- pip / wheel
function findPip() {
  const cands = [
    ['python3', ['-m', 'pip']],
    ['python', ['-m', 'pip']],
    ['pip3', []],
    ['pip', []],
  ];
  for (const [cmd, pre] of cands) {
    const r = run(cmd, [...pre, '--version']);
    if (r.ok) return [cmd, pre];
  }
  return null;
}

function wheelInfo(file) {
  // tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl
  const m = path.basename(file).match(/^(tensorflow(?:_cpu)?)-([0-9][^-]*)-[^-]+-[^-]+-(.+)\.whl$/);
  if (!m) return null;
  const tags = m[3].split('.');
  let needGlibc = null;
  for (const t of tags) {
    const mm = t.match(/^manylinux_(\d+)_(\d+)_x86_64$/);
    const v = mm ? `${mm[1]}.${mm[2]}` : t === 'manylinux2014_x86_64' ? '2.17' : t === 'manylinux2010_x86_64' ? '2.12' : null;
    if (v && (!needGlibc || cmpVersion(v, needGlibc) < 0)) needGlibc = v;
  }
  return { dist: m[1], version: m[2], needGlibc, x64: tags.some((t) => t.endsWith('x86_64')) };
}

function findCachedWheel(dir, version) {
  if (!fs.existsSync(dir)) return null;
  const f = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.whl'))
    .map((n) => path.join(dir, n))
    .find((p) => {
      const w = wheelInfo(p);
      return w && w.version === version && w.x64;
    });
  return f || null;
}

function getWheel(opts) {
  if (opts.wheel) {
    if (!fs.existsSync(opts.wheel)) fail(`--wheel ${opts.wheel}: no such file`);
    const w = wheelInfo(opts.wheel);
    if (!w) fail(`--wheel ${opts.wheel}: not a tensorflow/tensorflow_cpu wheel file name`);
    if (!w.x64) fail(`--wheel ${opts.wheel}: not an x86_64 wheel`);
    log(`using wheel on disk: ${opts.wheel}`);
    return opts.wheel;
  }
  const version = opts.tfVersion || DEFAULT_TF_VERSION;
  const dir = path.join(NATIVE, 'wheels');
  const cached = findCachedWheel(dir, version);
  if (cached) {
    log(`wheel cached: ${path.relative(ROOT, cached)}`);
    return cached;
  }

  const pip = findPip();
  if (!pip)
    fail('pip not found: install Python 3 with pip (e.g. apt-get install python3-pip), or pass --wheel PATH to a tensorflow-cpu wheel');
  fs.mkdirSync(dir, { recursive: true });
  const base = [
    ...pip[1],
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--disable-pip-version-check',
    '-d',
    dir,
    `tensorflow-cpu==${version}`,
  ];
  log(`downloading tensorflow-cpu==${version} wheel with pip (about 270 MB) ...`);
  let r = run(pip[0], base, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (!r.ok) {
    // The C library inside does not depend on the Python version: when this
    // Python has no matching wheel (too old/new), ask for the cp311 build.
    log(`no wheel for this Python (${lastLine(r.out)}); retrying for cp311 ...`);
    r = run(
      pip[0],
      [
        ...base,
        '--python-version',
        '3.11',
        '--implementation',
        'cp',
        '--abi',
        'cp311',
        '--platform',
        'manylinux_2_27_x86_64',
        '--platform',
        'manylinux_2_17_x86_64',
        '--platform',
        'manylinux2014_x86_64',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (!r.ok) fail(`wheel download failed: ${lastLine(r.out)}`);
  }
  const got = findCachedWheel(dir, version);
  if (!got) fail(`pip reported success but no tensorflow-cpu ${version} x86_64 wheel is in ${dir}`);
  log(`wheel saved: ${path.relative(ROOT, got)} (${elapsed()})`);
  return got;
}

// ---------------------------------------------------------------- zip reading (built-ins only)
function readZipDirectory(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 65557);
    const tail = Buffer.alloc(tailLen);
    fs.readSync(fd, tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) fail(`${path.basename(file)} is not a zip file (truncated download?)`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOff = tail.readUInt32LE(eocd + 16);
    if (cdOff === 0xffffffff || count === 0xffff) {
      // zip64
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) fail('zip64 locator missing');
      const rec = Buffer.alloc(56);
      fs.readSync(fd, rec, 0, 56, Number(tail.readBigUInt64LE(loc + 8)));
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOff = Number(rec.readBigUInt64LE(48));
    }
    const cd = Buffer.alloc(cdSize);
    fs.readSync(fd, cd, 0, cdSize, cdOff);
    const entries = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) fail('corrupt zip central directory');
      const method = cd.readUInt16LE(p + 10);
      let csize = cd.readUInt32LE(p + 20),
        usize = cd.readUInt32LE(p + 24);
      const nlen = cd.readUInt16LE(p + 28),
        xlen = cd.readUInt16LE(p + 30),
        clen = cd.readUInt16LE(p + 32);
      let off = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nlen);
      let x = p + 46 + nlen;
      const xend = x + xlen;
      while (x + 4 <= xend) {
        // zip64 extra field
        const id = cd.readUInt16LE(x),
          len = cd.readUInt16LE(x + 2);
        if (id === 1) {
          let q = x + 4;
          if (usize === 0xffffffff) {
            usize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (csize === 0xffffffff) {
            csize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (off === 0xffffffff) {
            off = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
        }
        x += 4 + len;
      }
      entries.push({ name, method, csize, usize, off });
      p = xend + clen;
    }
    return entries;
  } finally {
    fs.closeSync(fd);
  }
}

async function extractEntry(file, e, dest) {
  const fd = fs.openSync(file, 'r');
  const lh = Buffer.alloc(30);
  fs.readSync(fd, lh, 0, 30, e.off);
  fs.closeSync(fd);
  if (lh.readUInt32LE(0) !== 0x04034b50) fail(`corrupt zip entry ${e.name}`);
  const start = e.off + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const src = fs.createReadStream(file, { start, end: start + e.csize - 1, highWaterMark: 1 << 20 });
  const out = fs.createWriteStream(dest);
  if (e.method === 0) await pipeline(src, out);
  else if (e.method === 8) await pipeline(src, zlib.createInflateRaw({ chunkSize: 1 << 20 }), out);
  else fail(`zip entry ${e.name} uses unsupported compression method ${e.method}`);
  if (fs.statSync(dest).size !== e.usize) fail(`extracted ${e.name} has the wrong size`);
}

// Headers the addon includes (tensorflow/c/c_api.h, eager/c_api.h and what
// they pull in: tf_tstring.h -> ctstring.h, tsl_status.h). The layout moved
// between TF releases, so every known location is taken.
const HEADER_PREFIXES = [
  'tensorflow/c/',
  'tensorflow/core/platform/',
  'tensorflow/tsl/',
  'tsl/platform/',
  'tsl/c/',
  'xla/tsl/c/',
  'tensorflow/compiler/xla/tsl/c/',
];
const LIBS = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];

async function unpackWheel(wheel, opts) {
  const w = wheelInfo(wheel);
  const dir = path.join(NATIVE, `tensorflow-${w.version}`);
  const stamp = path.join(dir, '.complete');
  const want = JSON.stringify({ wheel: path.basename(wheel), fullHeaders: opts.fullHeaders });
  if (!opts.force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) {
    log(`TensorFlow ${w.version} C library already unpacked in ${path.relative(ROOT, dir)}`);
    return dir;
  }
  log(`unpacking libtensorflow_cc/framework and C headers from ${path.basename(wheel)} ...`);
  const entries = readZipDirectory(wheel);
  const tmp = `${dir}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const libs = entries.filter((e) => LIBS.some((l) => e.name === `tensorflow/${l}`));
  if (libs.length !== LIBS.length) {
    fail(
      `wheel lacks ${LIBS.filter((l) => !libs.some((e) => e.name.endsWith(l))).join(', ')} (in the wheels used so far the C API lives in libtensorflow_cc.so.2): pick another --tf-version`,
    );
  }
  const inc = 'tensorflow/include/';
  const headers = entries.filter(
    (e) => e.name.startsWith(inc) && !e.name.endsWith('/') && (opts.fullHeaders || HEADER_PREFIXES.some((p) => e.name.startsWith(inc + p))),
  );
  if (!headers.some((e) => e.name === `${inc}tensorflow/c/eager/c_api.h`))
    fail('wheel has no tensorflow/include/tensorflow/c/eager/c_api.h');
  for (const e of libs) await extractEntry(wheel, e, path.join(tmp, 'lib', path.basename(e.name)));
  for (const e of headers) await extractEntry(wheel, e, path.join(tmp, 'include', e.name.slice(inc.length)));
  // binding.gyp links -ltensorflow -ltensorflow_framework; the C API is in libtensorflow_cc.
  const lib = path.join(tmp, 'lib');
  fs.symlinkSync('libtensorflow_cc.so.2', path.join(lib, 'libtensorflow.so.2'));
  fs.symlinkSync('libtensorflow.so.2', path.join(lib, 'libtensorflow.so'));
  fs.symlinkSync('libtensorflow_framework.so.2', path.join(lib, 'libtensorflow_framework.so'));
  fs.writeFileSync(path.join(tmp, '.complete'), want);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  log(`unpacked ${libs.length} libraries + ${headers.length} headers into ${path.relative(ROOT, dir)} (${elapsed()})`);
  return dir;
}

// ---------------------------------------------------------------- tfjs-node package
function tfjsVersion() {
  const p = path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs', 'package.json');
  return fs.existsSync(p) ? readJson(p).version : FALLBACK_TFJS_VERSION;
}

function ensureTfjsNode() {
  // tfjs-node pins @tensorflow/tfjs exactly; matching versions keep a single tfjs-core.
  const want = tfjsVersion();
  const pj = path.join(TFJS_NODE_DIR, 'package.json');
  if (fs.existsSync(pj) && readJson(pj).version === want && fs.existsSync(path.join(TFJS_NODE_DIR, 'binding.gyp'))) {
    log(`@tensorflow/tfjs-node@${want} package files present`);
    return want;
  }
  log(`installing @tensorflow/tfjs-node@${want} package files (npm, --ignore-scripts --no-save) ...`);
  const r = run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `@tensorflow/tfjs-node@${want}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // npm installs nothing for a package the root project declares as an optional peer (tfjs-bnn's own
  // checkout does): stage it in a folder of its own, then copy in what node_modules lacks.
  if (r.ok && !fs.existsSync(pj)) stageTfjsNode(want);
  if (!fs.existsSync(pj)) fail(`npm install @tensorflow/tfjs-node@${want} failed: ${lastLine(r.out)}`);
  log(`@tensorflow/tfjs-node@${want} installed (${elapsed()})`);
  return want;
}

function stageTfjsNode(want) {
  const stage = path.join(NATIVE, 'npm-stage');
  fs.mkdirSync(stage, { recursive: true });
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: 'tfjs-node-stage', version: '1.0.0', private: true }));
  log(`staging @tensorflow/tfjs-node@${want} in ${path.relative(ROOT, stage)} (the project declares it as an optional peer) ...`);
  const r = run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', `@tensorflow/tfjs-node@${want}`], {
    cwd: stage,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!r.ok) fail(`npm install @tensorflow/tfjs-node@${want} (staged) failed: ${lastLine(r.out)}`);
  const from = path.join(stage, 'node_modules');
  const to = path.join(ROOT, 'node_modules');
  const names = fs
    .readdirSync(from)
    .flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(from, n)).map((m) => `${n}/${m}`) : n.startsWith('.') ? [] : [n]));
  let copied = 0;
  for (const name of names) {
    if (fs.existsSync(path.join(to, name))) continue; // the project's own copy (e.g. @tensorflow/tfjs) stays the one in use
    fs.cpSync(path.join(from, name), path.join(to, name), { recursive: true });
    copied += 1;
  }
  log(`copied @tensorflow/tfjs-node and ${copied - 1} packages it needs into node_modules`);
}

function linkDeps(tfDir) {
  const deps = path.join(TFJS_NODE_DIR, 'deps');
  const target = path.relative(TFJS_NODE_DIR, tfDir);
  let cur = null;
  try {
    cur = fs.readlinkSync(deps);
  } catch {}
  if (cur === target) return;
  fs.rmSync(deps, { recursive: true, force: true }); // e.g. a half-finished download by tfjs-node's own install script
  fs.symlinkSync(target, deps);
  log(`linked node_modules/@tensorflow/tfjs-node/deps -> ${target}`);
}

// ---------------------------------------------------------------- build
function napiBuild(pkg) {
  const have = Number(process.versions.napi);
  const list = (pkg.binary?.napi_versions || [3]).filter((v) => v <= have);
  if (!list.length) fail(`Node N-API ${have} is older than tfjs-node supports`);
  return Math.max(...list);
}

function findNodeGyp() {
  const cands = [];
  if (process.env.npm_config_node_gyp) cands.push(process.env.npm_config_node_gyp);
  cands.push(path.resolve(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  const r = run('npm', ['root', '-g']);
  if (r.ok) cands.push(path.join(r.out.trim().split('\n').pop(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  cands.push(path.join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  for (const c of cands) if (fs.existsSync(c)) return [process.execPath, [c]];
  if (run('node-gyp', ['--version']).ok) return ['node-gyp', []];
  fail('node-gyp not found (it ships with npm): install it with npm install -g node-gyp');
}

function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  // Distro Node (/usr/bin/node -> /usr/include/node) or an official tarball
  // (<prefix>/bin/node -> <prefix>/include/node): use the local headers, since
  // node-gyp would otherwise try to download them.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return [`--nodedir=${prefix}`];
  log('no local Node headers next to the node binary; node-gyp will look in its cache or try to download them');
  return [];
}

function buildAddon(tfVersion, tfjsNodeVersion, opts) {
  const pkg = readJson(path.join(TFJS_NODE_DIR, 'package.json'));
  const napi = napiBuild(pkg);
  const modulePath = path.resolve(TFJS_NODE_DIR, pkg.binary.module_path.replace('{napi_build_version}', String(napi)));
  const moduleName = pkg.binary.module_name;
  const target = path.join(modulePath, `${moduleName}.node`);
  const cacheDir = path.join(NATIVE, 'build');
  const cached = path.join(cacheDir, `${moduleName}-tfjs-node-${tfjsNodeVersion}-tf-${tfVersion}-napi-v${napi}.node`);
  if (!opts.force && fs.existsSync(cached)) {
    fs.mkdirSync(modulePath, { recursive: true });
    fs.copyFileSync(cached, target);
    log(`addon taken from cache ${path.relative(ROOT, cached)}`);
    return target;
  }
  const [cmd, pre] = findNodeGyp();
  log(`compiling the tfjs-node addon against TensorFlow ${tfVersion} (node-gyp, N-API v${napi}) ...`);
  const args = [
    ...pre,
    'rebuild',
    ...nodeDirArgs(),
    `--module_name=${moduleName}`,
    `--module_path=${modulePath}`,
    `--napi_build_version=${napi}`,
  ];
  fs.rmSync(target, { force: true }); // a failed build must not leave an addon from another build behind
  const r = run(cmd, args, { cwd: TFJS_NODE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  fs.mkdirSync(NATIVE, { recursive: true });
  fs.writeFileSync(path.join(NATIVE, 'build.log'), `${cmd} ${args.join(' ')}\n\n${r.out}`);
  if (!r.ok || !fs.existsSync(target)) {
    const missingHeader = /fatal error: .*\.h: No such file/.test(r.out);
    const e = new Fail(`addon build failed: ${lastLine(r.out)} (full log: .native/build.log)`);
    e.missingHeader = missingHeader;
    throw e;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.copyFileSync(target, cached);
  log(`addon built: ${path.relative(ROOT, target)} (${elapsed()})`);
  return target;
}

// ---------------------------------------------------------------- verification / benchmark
const VERIFY_CODE = `
const tfn = await import('@tensorflow/tfjs-node');
const tf = await import('@tensorflow/tfjs');
if (tf.getBackend() !== 'tensorflow') throw new Error('@tensorflow/tfjs reports backend ' + tf.getBackend());
let seed = 12345;
const rnd = (n) => Float32Array.from({ length: n }, () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 * 2 - 1; });
const A = rnd(64 * 96), B = rnd(96 * 48), X = rnd(2 * 16 * 16 * 3), F = rnd(3 * 3 * 3 * 8);
const S = Float32Array.from(rnd(200), (v, i) => v * (i < 100 ? 5 : 60));
function ops() {
  const ts = tf.tidy(() => {
    const a = tf.tensor2d(A, [64, 96]), b = tf.tensor2d(B, [96, 48]);
    const x = tf.tensor4d(X, [2, 16, 16, 3]), f = tf.tensor4d(F, [3, 3, 3, 8]);
    const loss = (x, f) => tf.conv2d(x, f, 1, 'same').square().sum();
    const [gx, gf] = tf.grads(loss)([x, f]);
    return {
      matMul: tf.matMul(a, b),
      conv2d: tf.conv2d(x, f, [2, 2], 'valid'),
      conv2dGradFilter: tf.grad((f) => loss(x, f))(f),
      conv2dGradInput: gx,
      conv2dGradFilter2: gf,
      softplus: tf.softplus(tf.tensor1d(S)),
      logSumExp: tf.logSumExp(tf.tensor2d(A, [64, 96]), 1),
    };
  });
  const out = {};
  for (const [k, t] of Object.entries(ts)) { out[k] = t.dataSync(); t.dispose(); }
  return out;
}
const nat = ops();
await tf.setBackend('cpu');
const ref = ops();
await tf.setBackend('tensorflow');
const res = {};
let ok = true;
for (const k of Object.keys(ref)) {
  let d = 0, m = 0;
  for (let i = 0; i < ref[k].length; i++) { d = Math.max(d, Math.abs(nat[k][i] - ref[k][i])); m = Math.max(m, Math.abs(ref[k][i])); }
  const rel = d / Math.max(1, m);
  res[k] = rel;
  if (!(rel < 1e-4) || nat[k].length !== ref[k].length) ok = false;
}
console.log(JSON.stringify({ ok, maxRelErr: res }));
`;

const BENCH_CODE = `
const tfn = await import('@tensorflow/tfjs-node');
const tf = await import('@tensorflow/tfjs');
// (tidy must return the tensor, not its data: tidy walks a returned TypedArray element by element)
function once(fn) { const r = tf.tidy(fn); r.dataSync(); r.dispose(); }
function time(fn, reps) {
  const w = performance.now();
  once(fn); // warm-up
  if (performance.now() - w > 5000) reps = 1; // the cpu backend's conv2d filter gradient takes tens of seconds
  const ts = [];
  for (let i = 0; i < reps; i++) { const s = performance.now(); once(fn); ts.push(performance.now() - s); }
  ts.sort((a, b) => a - b);
  return +ts[Math.floor(ts.length / 2)].toFixed(1);
}
const out = {};
for (const be of ['tensorflow', 'cpu']) {
  await tf.setBackend(be);
  const a = tf.randomNormal([1024, 1024]), b = tf.randomNormal([1024, 1024]);
  const x = tf.randomNormal([8, 64, 64, 16]), f = tf.randomNormal([3, 3, 16, 32]);
  const reps = be === 'cpu' ? 3 : 10;
  out[be] = {
    'matMul 1024x1024 (ms)': time(() => tf.matMul(a, b), reps),
    'conv2d fwd [8,64,64,16]*[3,3,16,32] (ms)': time(() => tf.conv2d(x, f, 1, 'same'), reps),
    'conv2d filter grad (ms)': time(() => tf.grad((w) => tf.conv2d(x, w, 1, 'same').sum())(f), reps),
  };
  tf.dispose([a, b, x, f]);
}
console.log(JSON.stringify(out));
`;

function verify() {
  log('verifying: matMul, conv2d, conv2d gradients, softplus, logSumExp on tensorflow vs cpu ...');
  const r = nodeEval(VERIFY_CODE);
  const line = r.out.split('\n').find((l) => l.startsWith('{'));
  if (!r.ok || !line) fail(`verification crashed: ${lastLine(r.out)}`);
  const v = JSON.parse(line);
  const errs = Object.entries(v.maxRelErr)
    .map(([k, e]) => `${k} ${e.toExponential(1)}`)
    .join(', ');
  if (!v.ok) fail(`native results differ from cpu backend: ${errs}`);
  log(`results match the cpu backend (max rel. error: ${errs})`);
}

function bench() {
  log('benchmarking tensorflow vs cpu (median of 10 / 3 runs; 1 when a run takes >5 s) ...');
  const r = nodeEval(BENCH_CODE);
  const line = r.out.split('\n').find((l) => l.startsWith('{'));
  if (!r.ok || !line) fail(`benchmark crashed: ${lastLine(r.out)}`);
  const b = JSON.parse(line);
  for (const k of Object.keys(b.tensorflow)) {
    const tfv = b.tensorflow[k],
      cpu = b.cpu[k];
    log(`  ${k.padEnd(42)} tensorflow ${String(tfv).padStart(8)}   cpu ${String(cpu).padStart(9)}   x${(cpu / tfv).toFixed(1)}`);
  }
}

// ---------------------------------------------------------------- main
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.check) {
    const c = checkLoads();
    if (c.ok) {
      log(
        `native backend OK: tfjs-node ${c.info.tfjsNode} on TensorFlow ${c.info.tensorflow}; @tensorflow/tfjs ${c.info.tfjs} ${c.info.shared ? 'shares it' : 'does NOT share it (reports ' + c.info.tfjsBackend + ')'}`,
      );
      process.exit(0);
    }
    console.error(`[native] native backend not available: ${c.why}`);
    process.exit(1);
  }
  const glibc = checkPlatform();
  if (!fs.existsSync(path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs')))
    fail('run npm install first (node_modules/@tensorflow/tfjs missing)');
  const requested = opts.wheel ? wheelInfo(opts.wheel)?.version : opts.tfVersion || DEFAULT_TF_VERSION;

  if (!opts.force) {
    const c = checkLoads();
    if (c.ok && (!requested || c.info.tensorflow === requested)) {
      log(`native backend already works (TensorFlow ${c.info.tensorflow}); use --force to rebuild`);
      verify();
      if (opts.bench) bench();
      log(`done (${elapsed()})`);
      return;
    }
  }

  const wheel = getWheel(opts);
  const w = wheelInfo(wheel);
  if (w.needGlibc && cmpVersion(glibc, w.needGlibc) < 0) {
    fail(
      `${path.basename(wheel)} needs glibc >= ${w.needGlibc}, this system has ${glibc}: use an older --tf-version (2.16-2.20 wheels are manylinux_2_17)`,
    );
  }
  let tfDir = await unpackWheel(wheel, opts);
  const tfjsNodeVersion = ensureTfjsNode();
  linkDeps(tfDir);
  try {
    buildAddon(w.version, tfjsNodeVersion, opts);
  } catch (e) {
    if (!(e instanceof Fail) || !e.missingHeader || opts.fullHeaders) throw e;
    log('a header was missing; retrying with all headers of the wheel (--full-headers) ...');
    opts.fullHeaders = true;
    tfDir = await unpackWheel(wheel, opts);
    linkDeps(tfDir);
    buildAddon(w.version, tfjsNodeVersion, { ...opts, force: true });
  }
  const c = checkLoads();
  if (!c.ok) fail(`addon built but does not load: ${c.why}`);
  log(`native backend loads: tfjs-node ${c.info.tfjsNode} on TensorFlow ${c.info.tensorflow}`);
  if (!c.info.shared)
    log(`WARNING: @tensorflow/tfjs reports backend '${c.info.tfjsBackend}' after importing tfjs-node (two tfjs-core copies?)`);
  verify();
  if (opts.bench) bench();
  log(`done (${elapsed()}). Note: 'npm install'/'npm ci' removes the --no-save package; re-run this script afterwards (cached: seconds).`);
}

main().catch((e) => {
  const reason = e instanceof Fail ? e.message : e?.stack || e;
  if (process.argv.includes('--best-effort')) {
    console.error(`[native] not installed (${String(reason).split('\n')[0]}); continuing on the pure-JS cpu backend`);
    process.exit(0);
  }
  console.error(`[native] FAILED: ${reason}`);
  process.exit(1);
});
