/** The study tasks by name (shared by the local `study kl` command and the queue worker). */
import { digitsTask } from './digits.js';
import { phantomTask } from './phantom.js';
import { regressionToyTask } from './regression-toy.js';
import type { StudyTask, StudyTaskName } from './task.js';

/** The task called `name`. */
export function taskByName(name: StudyTaskName): StudyTask {
  switch (name) {
    case 'regression-toy':
      return regressionToyTask;
    case 'digits':
      return digitsTask;
    case 'phantom':
      return phantomTask;
  }
}
