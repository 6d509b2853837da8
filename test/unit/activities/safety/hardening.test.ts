/**
 * The box every helper runs in: all capabilities dropped, NET_ADMIN only when asked for, no new
 * privileges, a read-only root, limits, the socket only for container faults, and the image by id.
 */
import type Docker from 'dockerode';
import { HELPER_IMAGE, hardenedHostConfig, helperImageId } from '../../../../src/activities/safety/helpers';

const ID = `sha256:${'a'.repeat(64)}`;

describe('hardenedHostConfig', () => {
  it('drops every capability, forbids new privileges, mounts root read-only and sets limits', () => {
    const hc = hardenedHostConfig({ network: 'none' });
    expect(hc).toMatchObject({ CapDrop: ['ALL'], CapAdd: [], SecurityOpt: ['no-new-privileges:true'], ReadonlyRootfs: true, Binds: [] });
    expect(hc.Memory).toBeGreaterThan(0);
    expect(hc.PidsLimit).toBeGreaterThan(0);
    expect(Object.keys(hc.Tmpfs ?? {})).toContain('/tmp');
  });

  it('gives NET_ADMIN and the socket only when asked', () => {
    expect(hardenedHostConfig({ network: 'container:x', netAdmin: true }).CapAdd).toEqual(['NET_ADMIN']);
    expect(hardenedHostConfig({ network: 'container:x' }).CapAdd).toEqual([]);
    expect(hardenedHostConfig({ network: 'none', dockerSocket: true }).Binds).toEqual(['/var/run/docker.sock:/var/run/docker.sock']);
  });
});

describe('helperImageId', () => {
  const fake = (id: string | Error) => {
    const inspect = jest.fn(() => (id instanceof Error ? Promise.reject(id) : Promise.resolve({ Id: id })));
    const getImage = jest.fn(() => ({ inspect }));
    return { docker: { getImage } as unknown as Docker, getImage, inspect };
  };

  it('resolves the tag to its id once', async () => {
    const f = fake(ID);
    expect(await helperImageId(f.docker)).toBe(ID);
    expect(await helperImageId(f.docker)).toBe(ID);
    expect(f.getImage).toHaveBeenCalledWith(HELPER_IMAGE);
    expect(f.inspect).toHaveBeenCalledTimes(1);
  });

  it('refuses anything but a sha256 id, and retries after a failure', async () => {
    const f = fake('faultline/base:bookworm');
    await expect(helperImageId(f.docker)).rejects.toThrow(/cannot resolve the helper image/);
    await expect(helperImageId(f.docker)).rejects.toThrow(/unexpected image id/);
    expect(f.inspect).toHaveBeenCalledTimes(2);
  });
});
