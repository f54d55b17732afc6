import { describe, expect, it } from 'vitest';
import { MemoryTracker, trackerConformance } from '@tideflow/core';

trackerConformance({ describe, it, expect }, () => new MemoryTracker());
