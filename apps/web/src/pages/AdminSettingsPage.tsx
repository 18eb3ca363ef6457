import {
  type Privilege,
  type PrivilegePreset,
  privilegeLabels,
  privilegeNames,
  privilegePresets,
} from '@devflow/contract/privileges';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { RequireUser } from '../components/RequireUser';
import { ErrorMessage, Loading } from '../components/Status';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import type { Me } from '../hooks/useMe';
import { type RouterOutputs, useTRPC } from '../lib/trpc';

type Settings = RouterOutputs['admin']['settings']['get'];

/** How a threshold field reads: a number, or empty for "the preset's". */
type ThresholdField = { mode: 'preset' | 'reputation' | 'moderators'; value: string };

function fieldOf(settings: Settings, name: Privilege): ThresholdField {
  const override = settings.thresholds[name];
  if (override === undefined) return { mode: 'preset', value: '' };
  if (override === null) return { mode: 'moderators', value: '' };
  return { mode: 'reputation', value: String(override) };
}

function describeThreshold(threshold: number | null): string {
  if (threshold === null) return 'moderators only';
  if (threshold === 0) return 'everyone';
  return `${threshold.toLocaleString('en-US')} reputation`;
}

/** The form: preset, one line per privilege (preset's / a reputation / moderators only), moderation numbers. */
function SettingsForm({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [preset, setPreset] = useState<PrivilegePreset>(settings.privilegePreset);
  const [fields, setFields] = useState(
    () =>
      Object.fromEntries(privilegeNames.map((name) => [name, fieldOf(settings, name)])) as Record<
        Privilege,
        ThresholdField
      >,
  );
  const [flagsToHide, setFlagsToHide] = useState(String(settings.flagsToHide));
  const [closeVotesToClose, setCloseVotesToClose] = useState(String(settings.closeVotesToClose));
  const [closeVoteExpiryDays, setCloseVoteExpiryDays] = useState(String(settings.closeVoteExpiryDays));
  const save = useMutation(
    trpc.admin.settings.set.mutationOptions({
      onSuccess: async (next) => {
        queryClient.setQueryData(trpc.admin.settings.get.queryKey(), next);
        await queryClient.invalidateQueries(trpc.user.pathFilter());
      },
    }),
  );
  const setField = (name: Privilege, next: Partial<ThresholdField>) =>
    setFields((current) => ({ ...current, [name]: { ...current[name], ...next } }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const thresholds: Partial<Record<Privilege, number | null>> = {};
    for (const name of privilegeNames) {
      const field = fields[name];
      if (field.mode === 'moderators') thresholds[name] = null;
      if (field.mode === 'reputation') thresholds[name] = Number(field.value);
    }
    save.mutate({
      privilegePreset: preset,
      thresholds,
      flagsToHide: Number(flagsToHide),
      closeVotesToClose: Number(closeVotesToClose),
      closeVoteExpiryDays: Number(closeVoteExpiryDays),
    });
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="settings-title">
      <h2 id="settings-title">Privileges</h2>
      <fieldset>
        <legend>Preset</legend>
        <label>
          <input
            type="radio"
            name="preset"
            value="team"
            checked={preset === 'team'}
            onChange={() => setPreset('team')}
          />{' '}
          Team — everyone votes, flags and replies; moderators edit others’ posts, review and close
        </label>
        <br />
        <label>
          <input
            type="radio"
            name="preset"
            value="community"
            checked={preset === 'community'}
            onChange={() => setPreset('community')}
          />{' '}
          Community — privileges earned by reputation, as on Stack Overflow
        </label>
      </fieldset>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Privilege</th>
            <th scope="col">Preset’s threshold</th>
            <th scope="col">This site</th>
          </tr>
        </thead>
        <tbody>
          {privilegeNames.map((name) => {
            const field = fields[name];
            return (
              <tr key={name} data-privilege={name}>
                <td>{privilegeLabels[name].can}</td>
                <td>{describeThreshold(privilegePresets[preset][name])}</td>
                <td className="row">
                  <select
                    aria-label={`${privilegeLabels[name].can}: who`}
                    value={field.mode}
                    onChange={(event) =>
                      setField(name, { mode: event.target.value as ThresholdField['mode'] })
                    }
                  >
                    <option value="preset">as the preset</option>
                    <option value="reputation">reputation of at least</option>
                    <option value="moderators">moderators only</option>
                  </select>
                  {field.mode === 'reputation' && (
                    <input
                      type="number"
                      min={0}
                      required
                      aria-label={`${privilegeLabels[name].can}: reputation`}
                      value={field.value}
                      onChange={(event) => setField(name, { value: event.target.value })}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Flags and closing</h2>
      <div className="field">
        <label htmlFor="flags-to-hide">Spam or rude flags that hide a post</label>
        <input
          id="flags-to-hide"
          type="number"
          min={1}
          max={100}
          value={flagsToHide}
          onChange={(e) => setFlagsToHide(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="close-votes">Close votes that close a question</label>
        <input
          id="close-votes"
          type="number"
          min={1}
          max={100}
          value={closeVotesToClose}
          onChange={(e) => setCloseVotesToClose(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="close-vote-days">Days a close vote lasts</label>
        <input
          id="close-vote-days"
          type="number"
          min={1}
          max={365}
          value={closeVoteExpiryDays}
          onChange={(e) => setCloseVoteExpiryDays(e.target.value)}
        />
      </div>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" className="btn btn--primary" disabled={save.isPending}>
          Save settings
        </button>
        {save.isSuccess && !save.isPending && (
          <span role="status" className="muted">
            Saved: every server applies them from now on.
          </span>
        )}
      </div>
    </form>
  );
}

function Settings({ me }: { me: NonNullable<Me> }) {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.admin.settings.get.queryOptions(), enabled: me.role === 'admin' });
  if (me.role !== 'admin') return <p className="alert">Only admins can change the moderation settings.</p>;
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} retry={() => query.refetch()} />;
  return <SettingsForm settings={query.data} />;
}

/** Moderation settings (admins): the privilege preset and thresholds, flags and close votes. */
export function AdminSettingsPage() {
  useDocumentTitle('Moderation settings');
  return (
    <>
      <h1>Moderation settings</h1>
      <RequireUser>{(me) => <Settings me={me} />}</RequireUser>
    </>
  );
}
