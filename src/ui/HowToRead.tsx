/** A short explanation of the charts and of PiKE, collapsed by default. */
export function HowToRead() {
  return (
    <details className="panel how-to" data-testid="how-to-read">
      <summary>
        <h2>How to read this</h2>
      </summary>
      <p>
        A small transformer learns several tasks at once. Every step, the <b>mixer</b> decides how
        many of the batch's examples come from each task. Each task has one colour in every chart.
      </p>
      <ul>
        <li>
          <b>Sampling weights</b>: the share of each batch per task, stacked to 100%.
        </li>
        <li>
          <b>Loss per task</b>: training loss (smoothed, solid) and loss on held-out data (dashed).
          Lower is better; a gap between them means the task is being memorised.
        </li>
        <li>
          <b>Gradient conflict</b>: the cosine between two tasks' gradients. Red: training one helps
          the other; blue: they pull the model in opposite directions. Drag the slider to go back in
          time.
        </li>
        <li>
          <b>PiKE's inputs</b>: per task, the squared gradient norm ‖∇L_k‖² (how much a step on this
          task can still lower its loss) and the gradient noise σ_k² (how unreliable a single
          example's gradient is).
        </li>
        <li>
          <b>Compare runs</b>: save a run, change the mixer, press Reset and train again: the
          average validation loss of each saved run is drawn against steps.
        </li>
      </ul>
      <p>
        <b>PiKE</b> (Li et al., NeurIPS 2025) assumes tasks rarely conflict and, every T₀ steps,
        moves batch share toward tasks with large gradients and away from noisy ones:
      </p>
      <pre className="rule">w_k ← w_k · exp(ζ₁‖∇L_k‖² − ζ₂σ_k²/2b), then w ← w / Σ_j w_j</pre>
      <p>
        b is the batch size. The variance term matters: without it PiKE would pile weight on
        high-loss but noisy tasks. Balanced-PiKE applies the same rule to a tilted loss that favours
        the worst task. Keys: <kbd>Space</kbd> train/pause, <kbd>→</kbd> one step.
      </p>
    </details>
  );
}
