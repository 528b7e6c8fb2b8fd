#!/usr/bin/env node
import { Command } from 'commander';
import { VERSION } from '../lib/version.js';
import { registerBackup } from './commands/backup.js';
import { registerDb } from './commands/db.js';
import { registerDoctor } from './commands/doctor.js';
import { registerMigrate } from './commands/migrate.js';
import { registerProject } from './commands/project.js';
import { registerSourcemaps } from './commands/sourcemaps.js';
import { registerStart } from './commands/start.js';
import { registerToken } from './commands/token.js';
import { registerUser } from './commands/user.js';

const program = new Command()
  .name('watchpost')
  .description('Self-hosted production operations. Configuration comes from WATCHPOST_* variables (docs/configuration.md).')
  .version(VERSION)
  .showHelpAfterError();

registerStart(program);
registerMigrate(program);
registerDoctor(program);
registerUser(program);
registerProject(program);
registerToken(program);
registerSourcemaps(program);
registerDb(program);
registerBackup(program);

await program.parseAsync(process.argv);
