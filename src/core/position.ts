/** Where something came from in a source file; 1-based line and column. Every part of the Model keeps one. */
export interface Position {
  file: string;
  line: number;
  col: number;
}

export const unknownPosition = (file: string): Position => ({ file, line: 1, col: 1 });
