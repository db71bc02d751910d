/**
 * User accounts a shell script creates: `useradd [options] name`, `adduser [options] name [group]`
 * (Debian's adduser and BusyBox's, whose options differ; both are handled).
 */
import { programName, shellCommands } from './shell-commands.js';

export interface CreatedUser {
  name: string;
  /** 'useradd' or 'adduser'. */
  how: string;
  /** The words of the command without the user name (to tell option changes apart). */
  options: string[];
}

const VALUED = new Set([
  // shadow useradd
  '-u',
  '--uid',
  '-g',
  '--gid',
  '-G',
  '--groups',
  '-d',
  '--home-dir',
  '-s',
  '--shell',
  '-c',
  '--comment',
  '-e',
  '--expiredate',
  '-f',
  '--inactive',
  '-k',
  '--skel',
  '-K',
  '--key',
  '-p',
  '--password',
  '-b',
  '--base-dir',
  '-R',
  '--root',
  '-Z',
  // Debian adduser
  '--home',
  '--ingroup',
  '--gecos',
  '--firstuid',
  '--lastuid',
  '--conf',
  '--add-extra-groups',
  // BusyBox adduser: -h home, -g gecos, -s shell, -G group, -u uid, -k skel
  '-h',
]);

export function extractCreatedUsers(script: string): CreatedUser[] {
  const users: CreatedUser[] = [];
  for (const command of shellCommands(script)) {
    const how = programName(command[0] ?? '');
    if (how !== 'useradd' && how !== 'adduser') continue;
    let nameIndex = -1;
    for (let i = 1; i < command.length; i += 1) {
      const a = command[i]!;
      if (a.startsWith('-') && a.length > 1) {
        if (VALUED.has(a)) i += 1;
        continue;
      }
      nameIndex = i;
      break;
    }
    if (nameIndex === -1) continue;
    users.push({ name: command[nameIndex]!, how, options: command.filter((_, i) => i !== nameIndex) });
  }
  return users;
}
