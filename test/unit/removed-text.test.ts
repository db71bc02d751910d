/** How a cleanup's count is said: a stack's networks and volumes only when there were some, and a cleanup of those alone still said. */
import { describe, expect, it } from 'vitest';

import { removedAny, removedText } from '../../src/docker/resource-tracker.js';

describe('removedText', () => {
  it('says containers and images as before, for the single-image path', () => {
    expect(removedText({ containers: 0, images: 4 })).toBe('0 containers and 4 images');
    expect(removedText({ containers: 1, images: 1 })).toBe('1 container and 1 image');
  });

  it("names a stack's networks and volumes when there were some", () => {
    expect(removedText({ containers: 2, images: 1, volumes: 1 })).toBe('2 containers, 1 image and 1 volume');
    expect(removedText({ containers: 3, images: 2, networks: 1, volumes: 2 })).toBe('3 containers, 2 images, 1 network and 2 volumes');
  });

  it('counts a cleanup that removed only a network or a volume as one that removed something', () => {
    expect(removedAny({ containers: 0, images: 0 })).toBe(false);
    expect(removedAny({ containers: 0, images: 0, volumes: 1 })).toBe(true);
    expect(removedAny({ containers: 0, images: 0, networks: 1 })).toBe(true);
  });
});
