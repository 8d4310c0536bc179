#!/usr/bin/python3
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
# mailset - Ansible module for a shop's outgoing-mail settings (mailset(1)).
# Python 3, the standard library and AnsibleModule only.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: mailset
short_description: Set a shop's outgoing-mail settings with mailset
description:
  - Applies a provider preset, settings and the SMTP password to a mailset
    configuration file (an INI file) by running C(mailset ... --json).
  - All or nothing. Every step (the preset, then the settings, then the
    password) first runs on a private copy of the file; when one fails, the
    task fails with mailset's own message and the real file is not touched.
    Only then do the same steps run on the real file.
  - mailset validates every value and writes only valid ones, atomically; a
    step that changes nothing leaves the file alone (same inode and mtime).
  - A missing file is created by mailset (mode 0600).
  - Supports check mode and diff mode.
version_added: "0.1.0"
options:
  config:
    description: The configuration file (C(mailset -c FILE)).
    type: path
    required: true
  preset:
    description:
      - A provider preset id or name (C(mailset presets) lists them), applied
        first. It sets the SMTP host, port, authentication method and TLS.
    type: str
  preset_host:
    description:
      - The SMTP host for a preset whose host is a template (C(--host)), for
        example C(sv123.xserver.jp) for C(xserver).
    type: str
  settings:
    description:
      - Settings as C(section.key) to value, applied after the preset in one
        C(mailset set) (C(mailset get) lists the keys).
      - Values are strings; numbers are converted to strings, booleans to
        C(on) or C(off), null to the empty string.
      - C(smtp.password) is refused here; use I(password).
    type: dict
  password:
    description:
      - The SMTP password (C(smtp.password)), set last. It reaches mailset on
        its standard input, never on a command line or in the environment,
        and is kept out of Ansible's output and logs.
      - It must be one line.
    type: str
  mailset_bin:
    description: The mailset program, a path or a name looked up on C(PATH).
    type: str
    default: mailset
requirements:
  - mailset with C(--json) on every command
notes:
  - mailset finds its data (presets) in C($MAILSET_DATADIR) or its installed
    data directory; set such variables with the play's C(environment).
  - What C(mailset check) finds in the resulting file (a required value
    still missing, a warning) is shown as task warnings.
author:
  - mailset developers
'''

EXAMPLES = r'''
- name: mail settings
  mailset:
    config: /etc/mailset/mail.ini
    preset: xserver
    preset_host: sv123.xserver.jp
    settings:
      basic.contact_email: shop@example.jp
      basic.system_email: noreply@example.jp
      smtp.username: shop@example.jp
    password: "{{ vault_smtp_password }}"

- name: only the BCC list, showing what would change
  mailset:
    config: /etc/mailset/mail.ini
    settings:
      basic.bcc: "office@example.jp,backup@example.jp"
  check_mode: true
  diff: true
  register: mail

- name: the BCC list in force after the change
  debug:
    msg: "{{ mail['keys']['basic.bcc'].after }}"
'''

RETURN = r'''
changed:
  description: Whether any step changed the file (in check mode, would).
  type: bool
  returned: always
file:
  description: The configuration file.
  type: str
  returned: always
keys:
  description:
    - Each key a step named, with its value before the first step and after
      the last, as mailset reports them (secrets masked by mailset), and
      whether it changed. Use C(result['keys']) in templates
      (C(result.keys) is the dictionary method).
  type: dict
  returned: success
  sample:
    smtp.host: {before: "", after: "sv123.xserver.jp", changed: true}
    smtp.password: {before: "", after: "********", changed: true}
diff:
  description:
    - With C(--diff), the unified diffs of the file that mailset reported,
      one per step that changed something, joined. Secret values are masked
      by mailset.
  type: dict
  returned: success, in diff mode
  sample: {prepared: "--- /etc/mailset/mail.ini\n+++ /etc/mailset/mail.ini\n@@ ..."}
steps:
  description: The mailset commands run on the file (password not shown).
  type: list
  elements: str
  returned: success
rc:
  description: On failure, mailset's exit code (65 bad value, 75 locked by an editor, 78 unparsable file...).
  type: int
  returned: failure
errors:
  description: On failure, mailset's errors, each C({key, line, message}).
  type: list
  elements: dict
  returned: failure
'''

import errno
import json
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule


class StepFailed(Exception):
    def __init__(self, msg, rc, errors, stderr='', command=None):
        Exception.__init__(self, msg)
        self.msg = msg
        self.rc = rc
        self.errors = errors
        self.stderr = stderr
        self.command = command
        self.done = []


def value_text(value):
    """A setting's value as the text mailset takes."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'on' if value else 'off'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise ValueError('must be a string, a number or a boolean, not %s' % type(value).__name__)


def build_steps(params):
    """The steps, in order: (name, arguments after -c FILE, stdin data)."""
    steps = []
    if params['preset']:
        args = ['preset', params['preset']]
        if params['preset_host']:
            args += ['--host', params['preset_host']]
        steps.append(('preset', args, None))
    settings = params['settings'] or {}
    if settings:
        args = ['set']
        for key, value in settings.items():
            args.append('%s=%s' % (key, value_text(value)))
        steps.append(('settings', args, None))
    if params['password'] is not None:
        steps.append(('password', ['set', 'smtp.password'], params['password']))
    return steps


def error_text(err):
    """One mailset error or warning as the plain command line prints it."""
    if not isinstance(err, dict):
        return str(err)
    message = str(err.get('message', ''))
    if err.get('key'):
        return '%s: %s' % (err['key'], message)
    return message


class Runner:
    """Runs mailset steps on one file; rename maps a private copy's path
    back to the real one in what mailset reports."""

    def __init__(self, module, binary, path, rename=None):
        self.module = module
        self.binary = binary
        self.path = path
        self.rename = rename

    def fix(self, text):
        if self.rename and isinstance(text, str):
            return text.replace(self.rename[0], self.rename[1])
        return text

    def fix_errors(self, errors):
        out = []
        for e in errors or []:
            if isinstance(e, dict):
                e = dict(e)
                e['message'] = self.fix(e.get('message'))
            out.append(e)
        return out

    def run(self, args, data=None):
        cmd = [self.binary, '-c', self.path] + args + ['--json']
        shown = ' '.join(['mailset', '-c', self.fix(self.path)] + args + ['--json'])
        # Values go as they are: no ~ or $VAR expansion (run_command's default).
        if data is None:
            rc, out, err = self.module.run_command(cmd, check_rc=False, expand_user_and_vars=False)
        else:
            rc, out, err = self.module.run_command(cmd, check_rc=False, data=data,
                                                   expand_user_and_vars=False)
        err = self.fix(err)
        try:
            doc = json.loads(out)
            if not isinstance(doc, dict):
                raise ValueError('not an object')
        except ValueError:
            raise StepFailed('%s: mailset did not answer in JSON (exit %d; a mailset without --json?): %s'
                             % (shown, rc, (err or out).strip()), rc, [], err, shown)
        errors = self.fix_errors(doc.get('errors'))
        exit_code = doc.get('exit', rc)
        if rc != 0 or not doc.get('ok', rc == 0):
            if errors:
                msg = '; '.join(error_text(e) for e in errors)
            else:
                msg = err.strip() or 'mailset exited %d' % rc
            raise StepFailed(msg, rc if rc != 0 else exit_code, errors, err, shown)
        doc['errors'] = errors
        doc['warnings'] = self.fix_errors(doc.get('warnings'))
        doc['diff'] = self.fix(doc.get('diff') or '')
        doc['_command'] = shown
        return doc

    def run_steps(self, steps):
        """Every step in turn; a failure carries the results of the steps
        before it (StepFailed.done)."""
        done = []
        for _name, args, data in steps:
            try:
                done.append(self.run(args, data))
            except StepFailed as e:
                e.done = done
                raise
        return done


def summarize(results):
    changed = any(bool(r.get('changed')) for r in results)
    diff = ''.join(r['diff'] if r['diff'].endswith('\n') or not r['diff'] else r['diff'] + '\n'
                   for r in results)
    keys = {}
    for r in results:
        for k in r.get('keys') or []:
            name = k.get('key')
            if name is None:
                continue
            if name in keys:
                keys[name]['after'] = k.get('after')
                keys[name]['changed'] = keys[name]['changed'] or bool(k.get('changed'))
            else:
                keys[name] = {'before': k.get('before'), 'after': k.get('after'),
                              'changed': bool(k.get('changed'))}
    return changed, diff, keys


def find_binary(module, name):
    if os.sep in name:
        if not (os.path.isfile(name) and os.access(name, os.X_OK)):
            module.fail_json(msg='mailset_bin %s is not an executable file' % name)
        return name
    return module.get_bin_path(name, required=True)


def read_bytes(path):
    """The file's bytes, None when there is no file."""
    try:
        with open(path, 'rb') as f:
            return f.read()
    except (IOError, OSError) as e:
        if e.errno == errno.ENOENT:
            return None
        raise


def private_copy(module, config, tmpdir):
    """A copy of config (mode 0600) in tmpdir (a missing config: none) and
    the bytes copied (None: no file)."""
    copy = os.path.join(tmpdir, os.path.basename(config) or 'mail.ini')
    try:
        data = read_bytes(config)
        if data is None:
            return copy, None
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'wb') as dst:
            dst.write(data)
    except (IOError, OSError) as e:
        module.fail_json(msg='cannot copy %s: %s' % (config, e))
    return copy, data


def warn_on(module, runner):
    """What mailset check finds in the resulting file (a value still
    missing, a warning), as task warnings: the steps succeeded."""
    try:
        rc, out, _err = module.run_command([runner.binary, '-c', runner.path, 'check', '--json'],
                                           check_rc=False, expand_user_and_vars=False)
        doc = json.loads(out)
    except (ValueError, OSError):
        return
    if not isinstance(doc, dict):
        return
    for e in runner.fix_errors(doc.get('errors')):
        module.warn('mailset check: %s' % error_text(e))
    for w in runner.fix_errors(doc.get('warnings')):
        module.warn('mailset check: warning: %s' % error_text(w))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config=dict(type='path', required=True),
            preset=dict(type='str'),
            preset_host=dict(type='str'),
            settings=dict(type='dict'),
            password=dict(type='str', no_log=True),
            mailset_bin=dict(type='str', default='mailset'),
        ),
        required_by=dict(preset_host=['preset']),
        supports_check_mode=True,
    )
    p = module.params
    config = p['config']
    result = dict(changed=False, file=config)

    for key in (p['settings'] or {}):
        if not isinstance(key, str) or '.' not in key:
            module.fail_json(msg="settings: '%s' is not a section.key name" % key, **result)
        if key == 'smtp.password':
            module.fail_json(msg='settings: smtp.password goes in the password option '
                                 '(never on a command line)', **result)
        if '=' in key:
            module.fail_json(msg="settings: '%s' has an '='" % key, **result)
    for key, value in (p['settings'] or {}).items():
        try:
            value_text(value)
        except ValueError as e:
            module.fail_json(msg='settings: %s: %s' % (key, e), **result)
    if p['password'] is not None and ('\n' in p['password'] or '\r' in p['password']):
        module.fail_json(msg='password: must be one line', **result)
    parent = os.path.dirname(config) or '.'
    if not os.path.isdir(parent):
        module.fail_json(msg='%s: the directory %s does not exist' % (config, parent), **result)

    steps = build_steps(p)
    result['steps'] = []
    if not steps:
        module.exit_json(keys={}, **result)
    binary = find_binary(module, p['mailset_bin'])

    # 1. Every step on a private copy: a failure leaves the real file alone.
    tmpdir = tempfile.mkdtemp(prefix='ansible-mailset.')
    try:
        os.chmod(tmpdir, 0o700)
        copy, original = private_copy(module, config, tmpdir)
        trial = Runner(module, binary, copy, rename=(copy, config))
        try:
            results = trial.run_steps(steps)
        except StepFailed as e:
            module.fail_json(msg=e.msg, rc=e.rc, errors=e.errors, stderr=e.stderr,
                             command=e.command, **result)
        if module.check_mode:
            warn_on(module, trial)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    # 2. The same steps on the real file (not in check mode).
    if not module.check_mode:
        try:
            now = read_bytes(config)
        except (IOError, OSError) as e:
            module.fail_json(msg='cannot read %s: %s' % (config, e), **result)
        if now != original:
            module.fail_json(msg='%s changed while the task ran; nothing was written' % config,
                             **result)
        real = Runner(module, binary, config)
        try:
            results = real.run_steps(steps)
        except StepFailed as e:
            # Only when the file changed between the trial and now (an
            # editor took its lock, a full disk): what was applied is said.
            changed, _diff, _keys = summarize(e.done)
            result.update(changed=changed, steps=[r['_command'] for r in e.done])
            module.fail_json(msg='%s (after %d of %d steps)' % (e.msg, len(e.done), len(steps))
                             if e.done else e.msg,
                             rc=e.rc, errors=e.errors, stderr=e.stderr, command=e.command, **result)
        warn_on(module, real)

    changed, diff, keys = summarize(results)
    result.update(changed=changed, keys=keys, steps=[r['_command'] for r in results])
    if module._diff:
        result['diff'] = dict(prepared=diff)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
