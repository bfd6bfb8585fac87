/**
 * What the inspector lights up on the chart: the states of a step, and the transitions the
 * journal's last entries took (found in the laid-out session statechart), plus the edge path.
 */
import { describe, expect, it } from 'vitest';
import { sessionStatechartLayout } from '../../adapters/http/statechart-layout.js';
import {
  activeStateIds,
  edgesTaken,
  initialEdgeId,
  leafStateId,
  recentMoves,
  roundedPath,
} from '../../ui/inspector-chart.js';

describe('the inspector chart', () => {
  it('lights the states of a step, outermost first, and its deepest one', async () => {
    const { graph } = await sessionStatechartLayout();
    expect(activeStateIds(graph, 'DealerChosen.booking')).toEqual([
      'session',
      'session.DealerChosen',
      'session.DealerChosen.booking',
    ]);
    expect(leafStateId(graph, 'DealerChosen.booking')).toBe('session.DealerChosen.booking');
    expect(leafStateId(graph, 'Estimated.choosingDealer.ready')).toBe(
      'session.Estimated.choosingDealer.ready',
    );
    // "Estimated.choosingDealer" must not light "Estimated.choosingDealerX" or the like.
    expect(activeStateIds(graph, 'Estimated.reviewingDamage')).not.toContain(
      'session.Estimated.reviewingEstimate',
    );
  });

  it('finds the transition a journal entry took, guards and initial arrows included', async () => {
    const layout = await sessionStatechartLayout();
    // done: checkDealer without a pending booking: the unguarded one, to choosingSlot.
    expect(
      edgesTaken(layout, {
        type: 'xstate.done.actor.checkDealer',
        from: 'DealerChosen.checkingDealer',
        to: 'DealerChosen.choosingSlot',
      }),
    ).toEqual(['session.DealerChosen.checkingDealer|xstate.done.actor.checkDealer|1#0']);
    // A dealer chosen: the transition into DealerChosen, then its initial arrow.
    expect(
      edgesTaken(layout, {
        type: 'DEALER_CHOSEN',
        from: 'Estimated.choosingDealer.ready',
        to: 'DealerChosen.checkingDealer',
      }),
    ).toEqual([
      'session.Estimated.choosingDealer.ready|DEALER_CHOSEN|0#0',
      initialEdgeId('session.DealerChosen'),
    ]);
    // Declared on a parent (DealerChosen), taken from a child; lands on a nested compound.
    expect(
      edgesTaken(layout, {
        type: 'CHANGE_DEALER',
        from: 'DealerChosen.choosingSlot',
        to: 'Estimated.choosingDealer.loading',
      }),
    ).toEqual([
      'session.DealerChosen|CHANGE_DEALER|0#0',
      initialEdgeId('session.Estimated.choosingDealer'),
    ]);
    // RETRY with the damage at hand goes to estimating, by the guarded transition.
    expect(
      edgesTaken(layout, { type: 'RETRY', from: 'Crashed.failed', to: 'Crashed.estimating' }),
    ).toEqual(['session.Crashed.failed|RETRY|0#0']);
    // A language change moves nothing; a session's first entry came from nowhere.
    expect(
      edgesTaken(layout, { type: 'SET_LOCALE', from: 'Waiting.driving', to: 'Waiting.driving' }),
    ).toEqual([]);
    expect(edgesTaken(layout, { type: 'xstate.init', from: null, to: 'Waiting.driving' })).toEqual(
      [],
    );
  });

  it('lists the last moves newest first, skipping entries that did not move', async () => {
    const layout = await sessionStatechartLayout();
    const moves = recentMoves(layout, [
      { type: 'CONTINUE', from: 'Estimated.reviewingDamage', to: 'Estimated.reviewingEstimate' },
      {
        type: 'SET_LOCALE',
        from: 'Estimated.reviewingEstimate',
        to: 'Estimated.reviewingEstimate',
      },
      { type: 'BACK', from: 'Estimated.reviewingEstimate', to: 'Estimated.reviewingDamage' },
    ]);
    expect(moves).toEqual([
      ['session.Estimated.reviewingEstimate|BACK|0#0'],
      ['session.Estimated.reviewingDamage|CONTINUE|0#0'],
    ]);
    expect(recentMoves(layout, [], 3)).toEqual([]);
  });

  it('rounds the corners of a routed edge', () => {
    expect(roundedPath([])).toBe('');
    expect(
      roundedPath([
        { x: 0, y: 0 },
        { x: 0, y: 10 },
      ]),
    ).toBe('M0,0 L0,10');
    expect(
      roundedPath([
        { x: 0, y: 0 },
        { x: 0, y: 40 },
        { x: 40, y: 40 },
      ]),
    ).toBe('M0,0 L0,32 Q0,40 8,40 L40,40');
  });
});
