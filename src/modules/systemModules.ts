import type { AnyModule } from '../core/registry.js';
import apt from './apt.js';
import ufw from './ufw.js';
import service from './service.js';
import systemd from './systemd.js';
import sysctl from './sysctl.js';
import user from './user.js';
import group from './group.js';
import hostname from './hostname.js';
import cron from './cron.js';
import packageModule from './package.js';
import debug from './debug.js';
import assert from './assert.js';
import fail from './fail.js';
import setFact from './set_fact.js';
import pause from './pause.js';
import meta from './meta.js';
import includeVars from './include_vars.js';
import addHost from './add_host.js';
import groupBy from './group_by.js';
import redisInfo from './redis_info.js';
import redisCommand from './redis_command.js';
import sentinelInfo from './sentinel_info.js';
import redisWait from './redis_wait.js';
import redisConfig from './redis_config.js';
import sentinelConfig from './sentinel_config.js';

/** The system, control and Redis modules (group B); index.ts adds them to the registry. */
export const systemModules: AnyModule[] = [
  apt, ufw, service, systemd, sysctl, user, group, hostname, cron, packageModule,
  debug, assert, fail, setFact, pause, meta, includeVars, addHost, groupBy,
  redisInfo, redisCommand, sentinelInfo, redisWait, redisConfig, sentinelConfig,
];
