import { describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { trackerConformance } from '@tideflow/core/testing';

trackerConformance({ describe, it, expect }, () => new MemoryTracker());
