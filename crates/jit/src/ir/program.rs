//! The program: instructions, the functions and guards they name, its tensor ops.
use super::{Func, Inst, Tensors, Val};
use std::sync::Arc;

/// Where a guard came from, for its error message.
#[derive(Clone, Copy, Debug)]
pub struct GuardSite {
    /// The source line of the comparison that decided a branch.
    pub loc: &'static std::panic::Location<'static>,
}

/// A program of `inputs` inputs and `outputs` outputs.
#[derive(Clone, Debug)]
pub struct Program<T> {
    /// The instructions, operands first.
    pub insts: Vec<Inst<T>>,
    /// The functions [`Inst::Call1`] and [`Inst::Call2`] name.
    pub funcs: Vec<Func<T>>,
    /// The guards' sources, indexed by [`Inst::Guard`]'s `id`.
    pub guard_sites: Vec<GuardSite>,
    /// The tensor ops [`Inst::TRun`] runs, shared by the programs made from one trace.
    pub tensors: Option<Arc<Tensors<T>>>,
    inputs: u32,
    outputs: u32,
}

impl<T> Program<T> {
    /// An empty program with `outputs` outputs (inputs are counted as they are pushed).
    ///
    /// ```
    /// let p = wengert_jit::ir::Program::<f64>::new(1);
    /// assert!(p.is_empty());
    /// ```
    pub fn new(outputs: u32) -> Program<T> {
        Program {
            insts: Vec::new(),
            funcs: Vec::new(),
            guard_sites: Vec::new(),
            tensors: None,
            inputs: 0,
            outputs,
        }
    }

    /// Appends an instruction and returns its value.
    ///
    /// # Panics
    /// In debug builds, if an operand does not precede it.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program, UnOp};
    /// let mut p = Program::<f64>::new(1);
    /// let x = p.push(Inst::Input(0));
    /// let y = p.push(Inst::Un(UnOp::Sin, x));
    /// assert_eq!(y.index(), 1);
    /// ```
    pub fn push(&mut self, inst: Inst<T>) -> Val {
        let id = self.insts.len() as u32;
        debug_assert!(
            inst.operands().as_slice().iter().all(|v| v.0 < id),
            "wengert-jit: instruction {id} reads a later value"
        );
        if let Inst::Input(k) = inst {
            self.inputs = self.inputs.max(k + 1);
        }
        self.insts.push(inst);
        Val(id)
    }

    /// The number of inputs (one more than the largest [`Inst::Input`] index).
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program};
    /// let mut p = Program::<f64>::new(0);
    /// p.push(Inst::Input(2));
    /// assert_eq!(p.inputs(), 3);
    /// ```
    pub fn inputs(&self) -> usize {
        self.inputs as usize
    }

    /// Sets the number of inputs (a function may ignore some of its inputs).
    ///
    /// ```
    /// let mut p = wengert_jit::ir::Program::<f64>::new(0);
    /// p.set_inputs(4);
    /// assert_eq!(p.inputs(), 4);
    /// ```
    pub fn set_inputs(&mut self, n: u32) {
        self.inputs = n;
    }

    /// The number of outputs.
    ///
    /// ```
    /// assert_eq!(wengert_jit::ir::Program::<f64>::new(3).outputs(), 3);
    /// ```
    pub fn outputs(&self) -> usize {
        self.outputs as usize
    }

    /// The number of instructions.
    ///
    /// ```
    /// assert_eq!(wengert_jit::ir::Program::<f64>::new(1).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.insts.len()
    }

    /// Whether there are no instructions.
    ///
    /// ```
    /// assert!(wengert_jit::ir::Program::<f64>::new(1).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.insts.is_empty()
    }

    /// Checks the invariants: operands precede users, inputs, outputs, functions and guard
    /// ids in range, each output written exactly once. Returns the first violation.
    ///
    /// ```
    /// use wengert_jit::ir::{Inst, Program, Val};
    /// let mut p = Program::<f64>::new(1);
    /// let x = p.push(Inst::Input(0));
    /// assert!(p.validate().is_err()); // output 0 is never written
    /// p.push(Inst::Output(0, x));
    /// assert!(p.validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), String> {
        let mut written = vec![false; self.outputs as usize];
        for (i, inst) in self.insts.iter().enumerate() {
            if let Some(v) = inst.operands().as_slice().iter().find(|v| v.index() >= i) {
                return Err(format!("instruction {i} reads value {} (not earlier)", v.0));
            }
            match *inst {
                Inst::Input(k) if k >= self.inputs => {
                    return Err(format!(
                        "instruction {i} reads input {k} of {}",
                        self.inputs
                    ))
                }
                Inst::Call1(f, _) | Inst::Call2(f, _, _) if f as usize >= self.funcs.len() => {
                    return Err(format!(
                        "instruction {i} calls function {f} of {}",
                        self.funcs.len()
                    ))
                }
                Inst::Guard { id, .. } if id as usize >= self.guard_sites.len() => {
                    return Err(format!(
                        "instruction {i} is guard {id} of {}",
                        self.guard_sites.len()
                    ))
                }
                Inst::Output(k, _) => match written.get_mut(k as usize) {
                    None => {
                        return Err(format!(
                            "instruction {i} writes output {k} of {}",
                            self.outputs
                        ))
                    }
                    Some(w) if *w => {
                        return Err(format!("output {k} written twice (instruction {i})"))
                    }
                    Some(w) => *w = true,
                },
                _ => {}
            }
        }
        match written.iter().position(|w| !w) {
            Some(k) => Err(format!("output {k} is never written")),
            None => Ok(()),
        }
    }
}

impl<T: Clone> Program<T> {
    /// An empty program with `outputs` outputs and `p`'s functions, guards and tensor ops:
    /// the start of a program derived from `p`.
    ///
    /// ```
    /// let p = wengert_jit::ir::Program::<f64>::new(1);
    /// assert_eq!(wengert_jit::ir::Program::derived(&p, 2).outputs(), 2);
    /// ```
    pub fn derived(p: &Program<T>, outputs: u32) -> Program<T> {
        Program {
            insts: Vec::new(),
            funcs: p.funcs.clone(),
            guard_sites: p.guard_sites.clone(),
            tensors: p.tensors.clone(),
            inputs: 0,
            outputs,
        }
    }
}
