# bash completion for llmplan
_llmplan() {
  local cur prev command
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  command="${COMP_WORDS[1]}"
  local strategies="few-shot rag peft full-finetune continued-pretrain pretrain"
  local gpus="v100 t4 a10g l4 l40s rtx-4090 rtx-a6000 a100-40gb a100-80gb h100-sxm h100-pcie h200 mi300x h100"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "advise check validate estimate gpus models --help --version" -- "$cur"))
    return
  fi
  case "$prev" in
    --strategy) COMPREPLY=($(compgen -W "$strategies" -- "$cur")); return ;;
    --gpu) COMPREPLY=($(compgen -W "$gpus" -- "$cur")); return ;;
    --method) COMPREPLY=($(compgen -W "lora qlora" -- "$cur")); return ;;
    --lora-targets) COMPREPLY=($(compgen -W "all attention qv" -- "$cur")); return ;;
    --fail-on) COMPREPLY=($(compgen -W "rejected never" -- "$cur")); return ;;
    -f|--format)
      case "$command" in
        advise) COMPREPLY=($(compgen -W "table json jsonl markdown html oneline" -- "$cur")) ;;
        check) COMPREPLY=($(compgen -W "text json github junit sarif markdown" -- "$cur")) ;;
        validate) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "table json" -- "$cur")) ;;
      esac
      return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    -o|--output|--rules|--summary-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local common="--format --output --rules --set --color --no-color --quiet --help"
  local flags
  case "$command" in
    advise) flags="$common --top --explain --verbose" ;;
    check) flags="$common --max-rank --margin --strategy --fail-on --summary-file" ;;
    validate) flags="$common" ;;
    estimate) flags="--strategy --params --model --tokens --examples --example-tokens --epochs --method --gpu --gpus --seq-len
                     --micro-batch --lora-rank --lora-targets --zero --grid-intensity --pue --price-per-gpu-hour --mfu
                     --no-checkpointing --format --output --rules --help" ;;
    gpus|models) flags="--format --rules --color --no-color --quiet --help" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
  fi
}
complete -o filenames -F _llmplan llmplan
