import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { Artifact, ArtifactInput } from '../../errors/sourcemaps/types.js';
import type { Project } from '../../projects/types.js';
import type { AppContext } from '../../server/context.js';
import { action, CliError, output, withContext } from '../context.js';
import { resolveOrg } from './project.js';

interface UploadOptions {
  release: string;
  urlPrefix?: string;
  dist?: string;
  project?: string;
  org?: string;
  json?: boolean;
}

/** Files worth uploading: scripts and their maps (CSS maps map no stack frames). */
const UPLOADABLE = /\.(?:m?js|cjs)(?:\.map)?$|\.map$/i;
/** One transaction's worth of file content; a big build is stored in several. */
const BATCH_BYTES = 64 * 1024 * 1024;

/** Every uploadable file under `dir`, as paths relative to it with forward slashes. */
async function findFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && UPLOADABLE.test(entry.name) && !/\.css\.map$/i.test(entry.name)) out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/** `--project` by id or slug, else the organisation's only project. */
async function resolveProject(ctx: AppContext, options: UploadOptions): Promise<Project> {
  if (options.project !== undefined && /^\d+$/.test(options.project) && options.org === undefined) {
    const project = await ctx.services.projects.get(Number(options.project));
    if (!project) throw new CliError(`no project with id ${options.project}`);
    return project;
  }
  const org = await resolveOrg(ctx, options.org);
  if (options.project !== undefined) {
    const project = await ctx.services.projects.find(org.id, options.project);
    if (!project) throw new CliError(`no project "${options.project}" in ${org.slug}`);
    return project;
  }
  const all = await ctx.services.projects.list(org.id);
  if (all.length === 1 && all[0]) return all[0];
  throw new CliError(all.length === 0 ? `${org.slug} has no projects yet` : `several projects exist; choose one with --project (${all.map((p) => p.slug).join(', ')})`);
}

/** Minified files no uploaded map covers: their frames will stay minified. */
async function unmatched(artifacts: readonly Artifact[]): Promise<string[]> {
  const { ReleaseIndex, matchInRelease } = await import('../../errors/sourcemaps/lookup.js');
  const index = new ReleaseIndex(artifacts.map((a) => ({ id: a.id, name: a.name, kind: a.kind, debugId: a.debugId, sourcemap: a.sourcemap })));
  const mapDebugIds = new Set(artifacts.filter((a) => a.kind === 'sourcemap' && a.debugId).map((a) => a.debugId));
  return artifacts
    .filter((a) => a.kind === 'source')
    .filter((a) => {
      const match = matchInRelease(index, a.name);
      return match === null || ('debugId' in match && !mapDebugIds.has(match.debugId));
    })
    .map((a) => a.name);
}

export function registerSourcemaps(program: Command): void {
  const sourcemaps = program.command('sourcemaps').description('upload source maps so JavaScript stack traces show original code');

  sourcemaps
    .command('upload')
    .description('upload a build directory (*.js, *.mjs, *.cjs and their *.map files) for a release, straight into the database')
    .argument('<dir>', 'the build output directory, e.g. dist/')
    .requiredOption('--release <release>', 'the release the SDK reports (Sentry.init({ release }))')
    .option('--url-prefix <prefix>', 'where the directory is served from: ~/static/js (any host) or https://cdn.example.com/js', '~/')
    .option('--dist <dist>', 'the distribution the SDK reports, if any')
    .option('--project <project>', 'project id or slug (default: the only one)')
    .option('--org <org>', 'organisation id or slug (default: the only one)')
    .option('--json', 'print {"projectId","release","dist","files":[…],"skipped":[…],"unmatched":[…]} as JSON')
    .action(
      action(async (dir: string, options: UploadOptions) => {
        const root = resolve(dir);
        if (!(await stat(root).catch(() => null))?.isDirectory()) throw new CliError(`${dir} is not a directory`);
        const prefix = (options.urlPrefix ?? '~/').replace(/\/*$/, '/');
        const files = await findFiles(root);
        if (files.length === 0) throw new CliError(`no .js, .mjs, .cjs or .map files under ${dir}`);
        await withContext(async (ctx) => {
          const project = await resolveProject(ctx, options);
          const target = { release: options.release, dist: options.dist ?? null };
          const stored: Artifact[] = [];
          const skipped: Array<{ name: string; reason: string }> = [];
          let batch: ArtifactInput[] = [];
          let bytes = 0;
          const flush = async () => {
            if (batch.length === 0) return;
            const result = await ctx.services.sourcemaps.upload(project.id, target, batch);
            stored.push(...result.artifacts);
            skipped.push(...result.skipped);
            batch = [];
            bytes = 0;
          };
          for (const file of files) {
            const content = await readFile(join(root, file));
            batch.push({ name: `${prefix}${file}`, content });
            bytes += content.length;
            if (bytes >= BATCH_BYTES) await flush();
          }
          await flush();
          const missing = await unmatched(stored);
          const describe = (a: Artifact) => `  ${a.name}  (${a.kind === 'sourcemap' ? 'source map' : `minified${a.sourcemap ? `, map ${a.sourcemap}` : ''}`}${a.debugId ? `, debug id ${a.debugId}` : ''}, ${a.size} bytes)`;
          const lines = [
            `Uploaded ${stored.length} file(s) to project ${project.slug} (id ${project.id}), release ${options.release}${options.dist ? `, dist ${options.dist}` : ''}:`,
            ...stored.map(describe),
            ...(skipped.length > 0 ? [`Skipped ${skipped.length}:`, ...skipped.map((s) => `  ${s.name}: ${s.reason}`)] : []),
            ...(missing.length > 0 ? [`No source map found for ${missing.length} minified file(s); their frames stay minified:`, ...missing.map((m) => `  ${m}`)] : []),
          ];
          output(
            options.json === true,
            { projectId: project.id, release: options.release, dist: options.dist ?? null, files: stored.map(({ id, name, kind, debugId, sourcemap, size, sha1 }) => ({ id, name, kind, debugId, sourcemap, size, sha1 })), skipped, unmatched: missing },
            lines.join('\n'),
          );
        });
      }),
    );
}
