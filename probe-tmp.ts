import { scoreCorpus } from './test/support/bounce-corpus.js';
import { testDiagnoser } from './test/support/diagnose.js';
const res = await scoreCorpus(testDiagnoser);
let n = 0;
for (const f of res)
  for (const s of f.recipients)
    if (s.expected && s.got !== s.expected) {
      n++;
      console.log(`${s.file}\tpreferred=${s.expected}\tgot=${s.got}\tacceptable=${s.acceptable.join(',')}`);
    }
console.log('count', n);
