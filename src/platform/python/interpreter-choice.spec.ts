import { chooseInterpreter, describeTried, InterpreterProbe } from './interpreter-choice';

const probeFrom = (found: Record<string, InterpreterProbe>) => {
  const asked: string[] = [];
  const probe = async (bin: string) => {
    asked.push(bin);
    return found[bin] ?? { bin, usable: false, summary: 'not found' };
  };
  return { asked, probe };
};

describe('chooseInterpreter', () => {
  it('takes the first usable candidate and probes none after it', async () => {
    const { asked, probe } = probeFrom({
      python3: { bin: 'python3', usable: false, summary: 'missing sklearn, torch' },
      '/usr/bin/python3': { bin: '/usr/bin/python3', usable: true, summary: 'Python 3.11.2' },
      '/opt/python3': { bin: '/opt/python3', usable: true, summary: 'Python 3.12.1' },
    });
    const choice = await chooseInterpreter(['python3', '/usr/bin/python3', '/opt/python3'], probe);
    expect(choice.chosen?.bin).toBe('/usr/bin/python3');
    expect(asked).toEqual(['python3', '/usr/bin/python3']);
    expect(describeTried(choice.tried)).toBe('python3 (missing sklearn, torch), /usr/bin/python3 (Python 3.11.2)');
  });

  it('keeps the order given: python3 on PATH wins when it is usable', async () => {
    const { asked, probe } = probeFrom({
      python3: { bin: 'python3', usable: true, summary: 'Python 3.12.1' },
      '/usr/bin/python3': { bin: '/usr/bin/python3', usable: true, summary: 'Python 3.11.2' },
    });
    expect((await chooseInterpreter(['python3', '/usr/bin/python3'], probe)).chosen?.bin).toBe('python3');
    expect(asked).toEqual(['python3']);
  });

  it('reports every candidate tried when none is usable', async () => {
    const { probe } = probeFrom({ python3: { bin: 'python3', usable: false, summary: 'missing torch' } });
    const choice = await chooseInterpreter(['python3', '/usr/bin/python3'], probe);
    expect(choice.chosen).toBeUndefined();
    expect(describeTried(choice.tried)).toBe('python3 (missing torch), /usr/bin/python3 (not found)');
  });
});
